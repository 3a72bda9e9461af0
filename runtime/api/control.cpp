// The exported entry points of fnprof.h (the fnprof_rt_* functions its
// inline wrappers call), the API's start-up, and the control calls: pause,
// resume, flush, status.
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../clock.h"
#include "../dump_writer.h"
#include "../compiler.h"
#include "../process.h"
#include "../thread_registry.h"
#include "api_state.h"

namespace fnprof::rt::api {

std::atomic<bool> g_paused{false};

namespace {

std::atomic<uint64_t (*)()> g_heap_probe{nullptr};

void after_fork_in_child() {
  names_after_fork();
  counters_after_fork();
  threads_after_fork();
  marks_after_fork();
  stacks_after_fork();
  sampler_after_fork();
}

// libfnprof.so's constructors run before the program's, so the API is ready
// before main; process_init() is idempotent.
__attribute__((constructor)) void api_init() {
  process_init();
  add_section_writer(write_api_sections);
  fatal_signals_install();
  pthread_atfork(nullptr, nullptr, after_fork_in_child);
  sampler_start();
}

uint64_t read_rss_bytes() {
  char buf[128];
  int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  const char* p = strchr(buf, ' ');
  return p ? strtoull(p + 1, nullptr, 10) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

}  // namespace

void enter_paused(ThreadState* t, uint64_t func, uintptr_t frame_address) {
  if (t->depth + 1 == t->frame_capacity) {
    ++t->lost_depth;
    return;
  }
  Frame& f = t->frames[++t->depth];
  f.func = func;
  f.sp = frame_address;
  f.node = 0;
  f.start_ticks = read_ticks();
}

}  // namespace fnprof::rt::api

using namespace fnprof::rt;
using namespace fnprof::rt::api;

extern "C" {

FNPROF_EXPORT void fnprof_rt_phase_begin(const char* name, const fnprof_meta* meta, size_t count) {
  if (ApiThread* t = api_thread()) phase_begin(t, name, meta, count);
}

FNPROF_EXPORT void fnprof_rt_phase_end(const fnprof_meta* meta, size_t count) {
  if (ApiThread* t = api_thread()) phase_end(t, meta, count);
}

FNPROF_EXPORT void fnprof_rt_phase_result(const fnprof_meta* meta, size_t count) {
  if (ApiThread* t = api_thread()) phase_result(t, meta, count);
}

FNPROF_EXPORT void fnprof_rt_checkpoint(const char* name, const fnprof_meta* meta, size_t count) {
  if (ApiThread* t = api_thread()) checkpoint(t, name, meta, count);
}

FNPROF_EXPORT fnprof_counter_t fnprof_rt_counter(const char* name, int kind, int direction) {
  if (direction < 0 || direction > 2) direction = 0;
  return counter_id(intern(name ? name : ""), kind == 1 ? CounterKind::Gauge : CounterKind::Counter,
                    static_cast<CounterDirection>(direction));
}

FNPROF_EXPORT void fnprof_rt_counter_add(fnprof_counter_t counter, int64_t delta) {
  ApiThread* t = api_thread();
  if (FNPROF_UNLIKELY(!t || counter == 0 || counter >= kMaxCounters)) return;
  // Only this thread writes its slot: a load and a store, no locked add.
  CounterSlot& s = t->slots[counter];
  s.value.store(s.value.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
  s.updates.store(s.updates.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

FNPROF_EXPORT void fnprof_rt_gauge_set(fnprof_counter_t gauge, int64_t value) {
  if (gauge == 0 || gauge >= counter_count()) return;
  gauge_set(gauge, value);
}

FNPROF_EXPORT void fnprof_rt_counter_add_named(const char* name, int64_t delta) {
  ApiThread* t = api_thread();
  if (!t) return;
  NameCacheEntry* e = cached_name(t->counters, name);
  if (FNPROF_UNLIKELY(e->value == kNoId)) e->value = counter_id(e->id, CounterKind::Counter, CounterDirection::Neutral);
  fnprof_rt_counter_add(e->value, delta);
}

FNPROF_EXPORT void fnprof_rt_gauge_set_named(const char* name, int64_t value) {
  ApiThread* t = api_thread();
  if (!t) return;
  NameCacheEntry* e = cached_name(t->gauges, name);
  if (FNPROF_UNLIKELY(e->value == kNoId)) e->value = counter_id(e->id, CounterKind::Gauge, CounterDirection::Neutral);
  fnprof_rt_gauge_set(e->value, value);
}

FNPROF_EXPORT void fnprof_rt_status(fnprof_status_t* out, size_t size) {
  fnprof_status_t s{};
  process_init();
  s.elapsed_ns = monotonic_ns() - g_process.start.ns;
  s.rss_bytes = read_rss_bytes();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  s.peak_rss_bytes = static_cast<uint64_t>(ru.ru_maxrss) * 1024;
  if (s.peak_rss_bytes < s.rss_bytes) s.peak_rss_bytes = s.rss_bytes;
  if (auto probe = g_heap_probe.load(std::memory_order_acquire)) {
    s.heap_live_bytes = probe();
    s.heap_known = 1;
  }
  {
    ThreadReader reader;
    for (const ThreadState* t = reader.first(); t; t = t->next) {
      uint32_t n = t->node_count.load(std::memory_order_acquire);
      const Node* nodes = reader.nodes(t);
      for (uint32_t i = 1; i < n; ++i) s.calls += nodes[i].calls;
    }
  }
  // A caller built against an older, smaller struct gets its prefix.
  memcpy(out, &s, size < sizeof s ? size : sizeof s);
}

FNPROF_EXPORT void fnprof_rt_capture_stack(const char* label) { capture_stack(label, 0, nullptr); }

FNPROF_EXPORT void fnprof_rt_pause(void) { g_paused.store(true, std::memory_order_relaxed); }

FNPROF_EXPORT void fnprof_rt_resume(void) { g_paused.store(false, std::memory_order_relaxed); }

FNPROF_EXPORT int fnprof_rt_flush(void) { return write_dump(DumpReason::Flush, 0, false) ? 1 : 0; }

// Declared in runtime_api.h.
FNPROF_EXPORT void fnprof_rt_set_heap_probe(uint64_t (*probe)()) {
  g_heap_probe.store(probe, std::memory_order_release);
}

}  // extern "C"
