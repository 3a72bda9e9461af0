// The tracker's accounting: what each allocation and free changes (the
// site's, the thread's and the process's counters), each thread's state, and
// the tracker's start-up and fork. The process's live bytes are
// heap_writer.h's, the peak and the samples heap_sampling.h's.
#include "tracker.h"

#include <dlfcn.h>

#include <pthread.h>
#include <unistd.h>

#include "../compiler.h"
#include "../runtime_api.h"
#include "arena.h"
#include "heap_sampling.h"
#include "heap_writer.h"
#include "ld_preload.h"
#include "live_blocks.h"
#include "main_entry.h"
#include "settings.h"
#include "stack_capture.h"
#include "stack_table.h"

namespace fnprof::alloc {

__thread bool tls_busy __attribute__((tls_model("initial-exec")));
constinit HeapState g_heap;

namespace {

__thread AllocThread* tls_alloc_thread __attribute__((tls_model("initial-exec")));

enum State { kNone, kInitializing, kReady, kFailed };
constinit std::atomic<int> g_state{kNone};
constinit std::atomic<AllocThread*> g_threads{nullptr};

bool init_tables() {
  int expected = kNone;
  if (!g_state.compare_exchange_strong(expected, kInitializing, std::memory_order_acquire)) {
    while ((expected = g_state.load(std::memory_order_acquire)) == kInitializing) sched_yield();
    return expected == kReady;
  }
  heap_writer_init();
  bool ok = heap_sampling_init() && stack_table_init() && site_table_init() && live_blocks_init();
  schedule_next_sample();
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
  if (FNPROF_UNLIKELY((recorded_kind & kKindMask) != static_cast<uint32_t>(kind))) {
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

void track_alloc(void* p, size_t size, AllocKind kind, Caller caller) {
  if (!p || tls_busy) return;
  ReentryGuard guard;
  AllocThread* t = current_thread();
  if (FNPROF_UNLIKELY(!t)) return;
  uint32_t site_id = capture_site(t, caller);
  uint32_t tag_kind = static_cast<uint32_t>(kind) | (main_entered() ? 0 : kBeforeMain);
  if (FNPROF_UNLIKELY(site_id == kNoSite || !insert_block(p, size, site_id, tag_kind))) {
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

void after_fork_in_child() {
  AllocThread* self = tls_alloc_thread;
  site_table_reset();
  live_blocks_reset();
  heap_after_fork();
  heap_writer_after_fork();
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

// A program built with AddressSanitizer: Clang links its runtime into the
// executable, whose malloc comes before ours in the symbol lookup, so the
// tracker would see nothing and report a heap of 0 B. (GCC's libasan.so
// refuses to start behind a preloaded library; fnprof-run does not preload
// the tracker into either.)
bool under_asan() { return dlsym(RTLD_DEFAULT, "__asan_init") != nullptr; }

__attribute__((constructor)) void at_load() {
  ReentryGuard guard;
  if (under_asan()) {
    g_state.store(kFailed, std::memory_order_release);
    drop_from_preload();
    return fnprof_rt_warn_once("the program is built with AddressSanitizer, whose allocator replaces malloc: ",
                               "allocations are not tracked");
  }
  read_settings();
  init_tables();  // maybe done already, by an allocation before this
  schedule_next_sample();  // with the interval just read
  drop_from_preload();
  pthread_atfork(nullptr, nullptr, after_fork_in_child);
  fnprof_rt_add_section_writer(write_sections_hook);
  fnprof_rt_set_heap_probe(live_heap);  // fnprof_status() reports the live heap
  fnprof_rt_unwinder_ready();  // libunwind's pipe made before main, out of the way
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
