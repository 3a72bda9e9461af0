#include "tracker.h"

#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../clock.h"
#include "../compiler.h"
#include "../runtime_api.h"
#include "arena.h"
#include "live_blocks.h"
#include "stack_capture.h"
#include "stack_table.h"

namespace fnprof::alloc {

__thread bool tls_busy __attribute__((tls_model("initial-exec")));
constinit Settings g_settings;
constinit HeapState g_heap;

namespace {

__thread AllocThread* tls_alloc_thread __attribute__((tls_model("initial-exec")));

// The live heap is sampled by the first allocation or free after the
// interval elapsed; a thread reads the clock only every kSampleCheck
// operations, so the check costs nothing measurable.
constexpr uint32_t kSampleCheck = 64;
constexpr uint64_t kMaxSamples = 1u << 24;  // 19 days at 100 ms

enum State { kNone, kInitializing, kReady, kFailed };
constinit std::atomic<int> g_state{kNone};
constinit std::atomic<AllocThread*> g_threads{nullptr};
constinit bool g_clock_is_tsc = false;  // libfnprof.so's choice (clock.h), copied at start

using rt::monotonic_ns;
uint64_t read_ticks() { return rt::read_ticks(g_clock_is_tsc); }

// ---- The process's live bytes ----------------------------------------------
//
// Every allocation and free changes the process's live bytes, and the peak
// is exact only if each change starts from the one before. An atomic add
// does that, but a locked instruction waits for the store buffer to drain:
// the two of a malloc+free pair were half the tracker's cost (16 of 31 ns in
// alloc_bench's shadow mode). Most programs allocate from one thread at a
// time for long stretches, so the counter has one writer at a time, which
// changes it with a plain load and store. Another thread that needs to
// write takes the role over on a cold path: it names itself the writer,
// makes every thread of the process pass a full barrier (membarrier(2),
// ~0.1 us), then waits until the previous writer has left its update. After
// kMaxWriterChanges handovers (threads that allocate side by side), or when
// membarrier is unavailable, every thread uses atomic adds for good.
//
// Why the handover is safe (an asymmetric Dekker): the writer announces
// itself (heap_writing = 1) before it checks that it still is the writer,
// with only a compiler barrier in between; the new writer stores its name,
// then membarrier. Either the announcement precedes the barrier on the old
// writer's CPU, and the new writer sees it and waits, or the check follows
// the barrier and sees the new name.

AllocThread* const kSharedWriter = reinterpret_cast<AllocThread*>(uintptr_t{1});
constexpr uint32_t kMaxWriterChanges = 32;
constinit std::atomic<AllocThread*> g_writer{nullptr};  // nullptr: nobody wrote yet
constinit std::atomic<bool> g_writer_lock{false};       // serializes handovers
constinit uint32_t g_writer_changes = 0;                // under g_writer_lock
constinit bool g_membarrier = false;                    // registered for this process

bool register_membarrier() {
  return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

FNPROF_COLD void change_writer(AllocThread* t) {
  ErrnoKeeper keep_errno;
  while (g_writer_lock.exchange(true, std::memory_order_acquire)) sched_yield();
  AllocThread* old = g_writer.load(std::memory_order_relaxed);
  if (old != t && old != kSharedWriter) {
    bool biased = g_membarrier && g_writer_changes < kMaxWriterChanges;
    g_writer.store(biased ? t : kSharedWriter, std::memory_order_seq_cst);
    if (old) {
      ++g_writer_changes;
      // Cannot fail once registered (EINVAL and EPERM are the only errors).
      syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
      std::atomic_ref<uint32_t> writing(old->heap_writing);
      while (writing.load(std::memory_order_acquire)) sched_yield();
    }
  }
  g_writer_lock.store(false, std::memory_order_release);
}

// Adds `delta` (two's complement for a decrease) to the live bytes; returns
// the new value.
inline uint64_t change_live(AllocThread* t, uint64_t delta) {
  std::atomic_ref<uint32_t> writing(t->heap_writing);
  for (;;) {
    writing.store(1, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);  // announce, then check (see above)
    AllocThread* writer = g_writer.load(std::memory_order_relaxed);
    if (FNPROF_LIKELY(writer == t)) {
      uint64_t live = g_heap.live_bytes.load(std::memory_order_relaxed) + delta;
      g_heap.live_bytes.store(live, std::memory_order_relaxed);
      writing.store(0, std::memory_order_release);  // the next writer reads `live` after this
      return live;
    }
    writing.store(0, std::memory_order_relaxed);
    if (writer == kSharedWriter) return g_heap.live_bytes.fetch_add(delta, std::memory_order_relaxed) + delta;
    change_writer(t);
  }
}

bool init_tables() {
  int expected = kNone;
  if (!g_state.compare_exchange_strong(expected, kInitializing, std::memory_order_acquire)) {
    while ((expected = g_state.load(std::memory_order_acquire)) == kInitializing) sched_yield();
    return expected == kReady;
  }
  g_membarrier = register_membarrier();
  g_clock_is_tsc = fnprof_rt_clock_source() == format::ClockSource::Tsc;
  g_heap.samples = static_cast<HeapSample*>(reserve(kMaxSamples * sizeof(HeapSample)));
  bool ok = g_heap.samples && stack_table_init() && site_table_init() && live_blocks_init();
  g_heap.next_sample_ns.store(monotonic_ns() + g_settings.sample_interval_ns, std::memory_order_relaxed);
  g_state.store(ok ? kReady : kFailed, std::memory_order_release);
  if (!ok) fnprof_rt_warn_once("cannot map memory for the allocation tracker; allocations are not tracked", "");
  return ok;
}

AllocThread* thread_start() {
  ErrnoKeeper keep_errno;
  if (!init_tables()) return nullptr;
  // One mapping per thread (the kernel limits a process's mappings).
  constexpr size_t kHead = (sizeof(AllocThread) + 63) & ~size_t{63};
  auto* t = static_cast<AllocThread*>(reserve(kHead + stack_capture_bytes()));
  if (!t) return nullptr;
  t->tid = static_cast<uint64_t>(gettid());
  t->sample_countdown = kSampleCheck;
  t->shadow = fnprof_rt_thread_slot();
  stack_capture_thread_init(t, reinterpret_cast<char*>(t) + kHead);
  AllocThread* head = g_threads.load(std::memory_order_relaxed);
  do t->next = head;
  while (!g_threads.compare_exchange_weak(head, t, std::memory_order_release, std::memory_order_relaxed));
  tls_alloc_thread = t;
  return t;
}

inline uint32_t size_bucket(uint64_t size) { return size ? 64 - __builtin_clzll(size) : 0; }

// Copy-on-change records. The dump needs each site's live bytes at the
// moment of the process's peak and at each heap sample, but visiting every
// site at those moments is out of the question. Instead, a site about to
// change compares the epoch it last saw with the current one: if a peak (or
// a sample) happened since its last change, its value now, before this
// change, is its value at that moment, and is saved. A site that never
// changes again is read as is by the dump. Exact whenever the peak is not
// reached concurrently with another thread's change to a site.
FNPROF_COLD void update_snapshots(Site& s, uint64_t state) {
  bring_snapshots_up_to_date(s.snapshots, s.sample_state_seen, state, s.live_bytes());
  s.sample_state_seen = state;
}

inline void before_site_change(Site& s) {
  uint64_t epoch = g_heap.peak_epoch.load(std::memory_order_relaxed);
  if (s.peak_epoch_seen != epoch) {
    s.bytes_at_peak = s.live_bytes();
    s.peak_epoch_seen = epoch;
  }
  uint64_t state = g_heap.sample_state.load(std::memory_order_relaxed);
  if (FNPROF_UNLIKELY(s.sample_state_seen != state)) update_snapshots(s, state);
}

FNPROF_COLD void new_peak(uint64_t live) {
  uint64_t peak = g_heap.peak_bytes.load(std::memory_order_relaxed);
  while (live > peak) {
    if (g_heap.peak_bytes.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
      g_heap.peak_ticks.store(read_ticks(), std::memory_order_relaxed);
      g_heap.peak_epoch.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
}

FNPROF_COLD void maybe_sample(AllocThread* t) {
  ErrnoKeeper keep_errno;
  t->sample_countdown = kSampleCheck;
  uint64_t interval = g_settings.sample_interval_ns;
  if (!interval) return;
  uint64_t now = monotonic_ns();
  uint64_t next = g_heap.next_sample_ns.load(std::memory_order_relaxed);
  if (now < next) return;
  uint64_t after = next + interval > now ? next + interval : now + interval;
  // One thread takes the sample; the others see the new deadline.
  if (!g_heap.next_sample_ns.compare_exchange_strong(next, after, std::memory_order_relaxed)) return;
  uint64_t state = g_heap.sample_state.load(std::memory_order_relaxed);
  uint64_t n = static_cast<uint32_t>(state), stride_log = state >> 32;
  if (n == kMaxSamples) return;
  g_heap.samples[n] = {read_ticks(), g_heap.live_bytes.load(std::memory_order_relaxed)};
  ++n;
  // Site snapshots cover at most kSnapshots samples: double their stride.
  if ((n >> stride_log) > kSnapshots) ++stride_log;
  g_heap.sample_state.store(stride_log << 32 | n, std::memory_order_release);
}

inline void account_free(AllocThread* t, const void* p, uint64_t size, uint32_t site_id,
                         uint32_t recorded_kind, AllocKind kind) {
  Site& s = site_at(site_id);
  before_site_change(s);
  if (s.owner == t) {
    s.own_frees++;
    s.own_bytes_freed += size;
    if (p == t->last_block) {
      // Freed before its thread allocated anything else: a temporary.
      t->last_block = nullptr;
      s.temporary++;
      t->temporary++;
    }
  } else {
    s.other_frees.fetch_add(1, std::memory_order_relaxed);
    s.other_bytes_freed.fetch_add(size, std::memory_order_relaxed);
  }
  if (FNPROF_UNLIKELY(recorded_kind != static_cast<uint32_t>(kind))) {
    s.mismatched.fetch_add(1, std::memory_order_relaxed);
    t->mismatched++;
  }
  t->frees++;
  t->bytes_freed += size;
  change_live(t, -size);
  if (FNPROF_UNLIKELY(--t->sample_countdown == 0)) maybe_sample(t);
}

inline AllocThread* current_thread() {
  AllocThread* t = tls_alloc_thread;
  if (FNPROF_UNLIKELY(!t)) t = thread_start();
  return t;
}

}  // namespace

bool tracker_ready() { return g_state.load(std::memory_order_acquire) == kReady; }

AllocThread* thread_list() { return g_threads.load(std::memory_order_acquire); }

void bring_snapshots_up_to_date(uint64_t snapshots[kSnapshots], uint64_t seen_state, uint64_t state,
                                uint64_t live) {
  uint64_t stride_log = state >> 32, n = static_cast<uint32_t>(state);
  uint64_t seen_log = seen_state >> 32, seen_n = static_cast<uint32_t>(seen_state);
  // Slot j holds sample (j + 1) * stride; doubling the stride keeps the odd
  // slots.
  for (; seen_log < stride_log; ++seen_log) {
    for (uint32_t j = 0; j < kSnapshots / 2; ++j) snapshots[j] = snapshots[2 * j + 1];
    for (uint32_t j = kSnapshots / 2; j < kSnapshots; ++j) snapshots[j] = 0;
  }
  uint64_t stride = uint64_t{1} << stride_log;
  for (uint64_t j = seen_n / stride; j < kSnapshots && (j + 1) * stride <= n; ++j) snapshots[j] = live;
}

void track_alloc(void* p, size_t size, AllocKind kind, Caller caller) {
  if (!p || tls_busy) return;
  ReentryGuard guard;
  AllocThread* t = current_thread();
  if (FNPROF_UNLIKELY(!t)) return;
  uint32_t site_id = capture_site(t, caller);
  if (FNPROF_UNLIKELY(site_id == kNoSite || !insert_block(p, size, site_id, static_cast<uint32_t>(kind)))) {
    g_heap.truncated.store(true, std::memory_order_relaxed);
    return;
  }
  Site& s = site_at(site_id);
  before_site_change(s);
  s.allocations++;
  s.bytes_allocated += size;
  s.histogram[size_bucket(size)]++;
  uint64_t site_live = s.live_bytes();
  if (site_live > s.peak_live_bytes) s.peak_live_bytes = site_live;
  t->allocations++;
  t->bytes_allocated += size;
  t->last_block = p;
  uint64_t live = change_live(t, size);
  if (FNPROF_UNLIKELY(live > g_heap.peak_bytes.load(std::memory_order_relaxed))) new_peak(live);
  if (FNPROF_UNLIKELY(--t->sample_countdown == 0)) maybe_sample(t);
}

void track_free(void* p, AllocKind kind) {
  if (tls_busy) return;
  ReentryGuard guard;
  AllocThread* t = current_thread();
  if (FNPROF_UNLIKELY(!t)) return;
  uint64_t size;
  uint32_t site, recorded_kind;
  if (FNPROF_UNLIKELY(!remove_block(p, &size, &site, &recorded_kind))) {
    t->untracked_frees++;
    return;
  }
  account_free(t, p, size, site, recorded_kind, kind);
}

TakenBlock take_block(void* p) {
  TakenBlock b{};
  if (tls_busy || !tracker_ready()) return b;
  ReentryGuard guard;
  b.tracked = remove_block(p, &b.size, &b.site, &b.kind);
  return b;
}

void finish_free(void* p, const TakenBlock& b, AllocKind kind) {
  if (tls_busy) return;
  ReentryGuard guard;
  AllocThread* t = current_thread();
  if (FNPROF_UNLIKELY(!t)) return;
  if (!b.tracked) {
    t->untracked_frees++;
    return;
  }
  account_free(t, p, b.size, b.site, b.kind, kind);
}

void restore_block(void* p, const TakenBlock& b) {
  if (b.tracked) insert_block(p, b.size, b.site, b.kind);
}

// ---- Start-up and fork -----------------------------------------------------

namespace {

// The environment is read and changed through `environ` directly, not
// getenv/setenv: a program may define its own (bash does, working on its
// shell variables, which do not exist yet while constructors run).
const char* env_value(const char* name) {
  size_t len = strlen(name);
  for (char** e = environ; e && *e; ++e)
    if (strncmp(*e, name, len) == 0 && (*e)[len] == '=') return *e + len + 1;
  return nullptr;
}

void warn_setting(const char* name) { fnprof_rt_warn_once("ignoring an invalid value of ", name); }

void read_settings() {
  if (const char* v = env_value("FNPROF_ALLOC_STACKS"); v && *v) {
    if (strcmp(v, "auto") == 0) g_settings.stack_mode = format::AllocStackMode::Auto;
    else if (strcmp(v, "unwind") == 0) g_settings.stack_mode = format::AllocStackMode::Unwind;
    else if (strcmp(v, "shadow") == 0) g_settings.stack_mode = format::AllocStackMode::Shadow;
    else warn_setting("FNPROF_ALLOC_STACKS (auto, unwind or shadow)");
  }
  if (const char* v = env_value("FNPROF_STACK_DEPTH"); v && *v) {
    char* end;
    unsigned long depth = strtoul(v, &end, 10);
    if (*end || depth == 0) warn_setting("FNPROF_STACK_DEPTH");
    else g_settings.stack_depth = depth > kMaxStackDepth ? kMaxStackDepth : static_cast<uint32_t>(depth);
  }
  if (const char* v = env_value("FNPROF_SAMPLE_INTERVAL"); v && *v) {
    // A number with an optional unit: ns, us, ms (the default) or s; 0 stops
    // sampling.
    char* end;
    double n = strtod(v, &end);
    double scale = strcmp(end, "ns") == 0 ? 1 : strcmp(end, "us") == 0 ? 1e3
                 : strcmp(end, "ms") == 0 || !*end ? 1e6 : strcmp(end, "s") == 0 ? 1e9 : -1;
    if (scale < 0 || n < 0) warn_setting("FNPROF_SAMPLE_INTERVAL (e.g. 100ms)");
    else g_settings.sample_interval_ns = static_cast<uint64_t>(n * scale);
  }
}

// Without --follow-children, fnprof-run sets FNPROF_FOLLOW_CHILDREN=0: the
// programs this one executes run without the tracker. The loader has read
// LD_PRELOAD already, so dropping our entry now only affects children,
// whichever way they are started (exec*, posix_spawn, system, popen).
void drop_from_preload() {
  const char* follow = env_value("FNPROF_FOLLOW_CHILDREN");
  const char* preload = env_value("LD_PRELOAD");
  if (!follow || strcmp(follow, "0") != 0 || !preload) return;
  static char entry[4096] = "LD_PRELOAD=";
  constexpr size_t kPrefix = sizeof "LD_PRELOAD=" - 1;
  char* kept = entry + kPrefix;
  const size_t kept_size = sizeof entry - kPrefix;
  size_t n = 0;
  const char* p = preload;
  while (*p) {
    size_t len = strcspn(p, ": ");
    const char* base = static_cast<const char*>(memrchr(p, '/', len));
    base = base ? base + 1 : p;
    bool ours = static_cast<size_t>(p + len - base) == strlen("libfnprof_alloc.so") &&
                memcmp(base, "libfnprof_alloc.so", len - (base - p)) == 0;
    if (!ours && len && n + len + 1 < kept_size) {
      if (n) kept[n++] = ':';
      memcpy(kept + n, p, len);
      n += len;
    }
    p += len;
    if (*p) ++p;
  }
  kept[n] = '\0';
  // Replace the entry in place, or take it out when nothing is left.
  char** e = environ;
  while (*e && !(strncmp(*e, "LD_PRELOAD=", kPrefix) == 0)) ++e;
  if (!*e) return;
  if (n) {
    *e = entry;
  } else {
    do e[0] = e[1];
    while (*++e);
  }
}

void after_fork_in_child() {
  AllocThread* self = tls_alloc_thread;
  site_table_reset();
  live_blocks_reset();
  g_heap.live_bytes.store(0), g_heap.peak_bytes.store(0), g_heap.peak_ticks.store(0);
  g_heap.peak_epoch.store(0), g_heap.sample_state.store(0), g_heap.truncated.store(false);
  g_heap.next_sample_ns.store(monotonic_ns() + g_settings.sample_interval_ns);
  // The parent's writer is not here, and may have been handing over.
  g_writer.store(nullptr), g_writer_lock.store(false), g_writer_changes = 0;
  g_membarrier = register_membarrier();
  if (self) {
    AllocThread* next_keep = nullptr;
    SiteMap sites = self->sites;
    UnwindCache* unwind_cache = self->unwind_cache;
    NodeCache* node_cache = self->node_cache;
    rt::ThreadState** shadow = self->shadow;
    uintptr_t lo = self->stack_lo, hi = self->stack_hi;
    *self = AllocThread{};
    self->sites = sites, self->unwind_cache = unwind_cache, self->node_cache = node_cache;
    self->shadow = shadow, self->stack_lo = lo, self->stack_hi = hi;
    self->next = next_keep;
    self->tid = static_cast<uint64_t>(gettid());
    self->sample_countdown = kSampleCheck;
    self->sites.clear();
    stack_capture_thread_reset(self);
  }
  g_threads.store(self, std::memory_order_release);
}

void write_sections_hook(rt::DumpBuffer& buffer, uint64_t now);

uint64_t live_heap() { return g_heap.live_bytes.load(std::memory_order_relaxed); }

__attribute__((constructor)) void at_load() {
  ReentryGuard guard;
  read_settings();
  init_tables();  // maybe done already, by an allocation before this
  g_heap.next_sample_ns.store(monotonic_ns() + g_settings.sample_interval_ns, std::memory_order_relaxed);
  drop_from_preload();
  pthread_atfork(nullptr, nullptr, after_fork_in_child);
  fnprof_rt_add_section_writer(write_sections_hook);
  fnprof_rt_set_heap_probe(live_heap);  // fnprof_status() reports the live heap
}

}  // namespace

// alloc_writer.cpp
void write_alloc_sections(rt::DumpBuffer& buffer, uint64_t now);

namespace {
void write_sections_hook(rt::DumpBuffer& buffer, uint64_t now) {
  // The dump writer may run on a thread in the middle of nothing of ours (at
  // exit, in a signal handler): keep that thread's allocations out while the
  // tables are read.
  ReentryGuard guard;
  if (tracker_ready()) write_alloc_sections(buffer, now);
}
}  // namespace

}  // namespace fnprof::alloc

// Declared in runtime_api.h, where the runtime refers to it weakly.
extern "C" FNPROF_EXPORT bool fnprof_alloc_set_untracked(bool untracked) {
  bool was = fnprof::alloc::tls_busy;
  fnprof::alloc::tls_busy = untracked;
  return was;
}
