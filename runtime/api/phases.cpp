// Per-thread API state and phases. A phase is an entry in its thread's log,
// appended at the begin (so the log is in begin order and a parent precedes
// its children) and completed at the end; the open-phase stack holds the
// indices of the phases still open.
#include <unistd.h>

#include <new>

#include "../clock.h"
#include "../memory.h"
#include "../process.h"
#include "api_state.h"

namespace fnprof::rt::api {

__thread ApiThread* tls_api_thread __attribute__((tls_model("initial-exec")));

namespace {

std::atomic<ApiThread*> g_api_threads{nullptr};
__thread bool tls_api_failed __attribute__((tls_model("initial-exec")));

}  // namespace

ApiThread* api_thread_begin() {
  if (tls_api_failed) return nullptr;
  process_init();
  // One mapping: the state, then the phase log (a reservation, pages cost
  // only once used). Kept after the thread exits: its phases and counts are
  // in every later dump.
  constexpr size_t kStateBytes = (sizeof(ApiThread) + 4095) & ~size_t{4095};
  auto* base = static_cast<char*>(map_memory(kStateBytes + kMaxPhasesPerThread * sizeof(PhaseEntry)));
  if (!base) {
    tls_api_failed = true;
    warn_once("cannot map memory for a thread; its phases and counters are not recorded", "");
    return nullptr;
  }
  auto* t = new (base) ApiThread{};
  t->phases = reinterpret_cast<PhaseEntry*>(base + kStateBytes);
  t->tid = static_cast<uint64_t>(gettid());
  ApiThread* head = g_api_threads.load(std::memory_order_relaxed);
  do t->next = head;
  while (!g_api_threads.compare_exchange_weak(head, t, std::memory_order_release, std::memory_order_relaxed));
  tls_api_thread = t;
  return t;
}

ApiThread* api_thread_list() { return g_api_threads.load(std::memory_order_acquire); }

void phase_begin(ApiThread* t, const char* name, const fnprof_meta* meta, size_t count) {
  uint32_t id = cached_name(t->names, name)->id;
  MetaRef ref = store_meta(meta, count);
  if (t->depth == kMaxPhaseDepth) {
    ++t->lost_depth;  // too deep: not recorded, but its end must still match
    t->dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  uint32_t n = t->phase_count.load(std::memory_order_relaxed);
  if (n == kMaxPhasesPerThread || id == kNoId) {
    t->open[t->depth++] = kNoId;
    t->dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // The innermost logged open phase is the parent.
  uint32_t parent = 0;
  for (uint32_t d = t->depth; d > 0; --d)
    if (t->open[d - 1] != kNoId) {
      parent = t->open[d - 1] + 1;
      break;
    }
  PhaseEntry& e = t->phases[n];
  e.name = id;
  e.parent = parent;
  e.meta = ref;
  e.result = {};
  e.end_ticks.store(0, std::memory_order_relaxed);
  e.begin_ticks = read_ticks();  // last: the bookkeeping is not the phase's time
  t->open[t->depth++] = n;
  t->phase_count.store(n + 1, std::memory_order_release);
}

void phase_result(ApiThread* t, const fnprof_meta* meta, size_t count) {
  if (t->lost_depth || t->depth == 0 || t->open[t->depth - 1] == kNoId) return;
  t->phases[t->open[t->depth - 1]].result = store_meta(meta, count);
}

void phase_end(ApiThread* t, const fnprof_meta* meta, size_t count) {
  uint64_t now = read_ticks();
  if (t->lost_depth) {
    --t->lost_depth;
    return;
  }
  if (t->depth == 0) return;  // no open phase (or it was begun before a fork)
  uint32_t i = t->open[--t->depth];
  if (i == kNoId) return;
  PhaseEntry& e = t->phases[i];
  if (count) e.result = store_meta(meta, count);
  // Publishes the result with the end: the writer reads it only once ended.
  e.end_ticks.store(now > e.begin_ticks ? now : e.begin_ticks + 1, std::memory_order_release);
}

void threads_after_fork() {
  // Only the forking thread exists in the child; its profile starts afresh.
  ApiThread* self = tls_api_thread;
  if (self) {
    self->next = nullptr;
    self->tid = static_cast<uint64_t>(gettid());
    self->depth = self->lost_depth = 0;
    self->phase_count.store(0, std::memory_order_relaxed);
    self->dropped.store(0, std::memory_order_relaxed);
    for (CounterSlot& s : self->slots) s.value.store(0, std::memory_order_relaxed), s.updates.store(0);
  }
  g_api_threads.store(self, std::memory_order_release);
}

}  // namespace fnprof::rt::api
