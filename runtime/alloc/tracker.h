// The allocation tracker's hooks: the interposer (interposer.cpp) calls one
// of these per allocator entry point, after the real allocation and before
// the real free. Each attributes the block to a site (stack_capture.h),
// records it in the live-block table, updates the site's and the thread's
// counters and the process's live heap, peak and timeline. No lock, no
// malloc, no syscall in steady state: the thread's state is one initial-exec
// TLS load, tables are lock-free, the process's live bytes a plain add by
// its current writer (heap_writer.h).
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "fnprof/format.h"
#include "site_table.h"

namespace fnprof::rt {
struct ThreadState;
}

namespace fnprof::alloc {

using format::AllocKind;

// Set while this thread must not be tracked. initial-exec:
// libfnprof_alloc.so is preloaded, so its TLS is in the static block and this
// is one %fs-relative access.
extern __thread bool tls_busy __attribute__((tls_model("initial-exec")));

// Sets tls_busy for a scope and puts back what it was, so a scope inside
// another leaves it set. Held while the tracker runs on this thread, while
// the interposer forwards to a real function that allocates itself
// (libstdc++'s operator new/delete, whose own malloc/free is the same
// allocation; glibc's reallocarray, which calls realloc), while the dump
// writer reads the tables, and in the constructor. Whatever allocates
// inside is forwarded untracked: the unwinder (libunwind's dl_iterate_phdr
// callbacks), dlsym, pthread_getattr_np (stack bounds), the dump writer
// (which runs on a thread that may be anywhere), pthread_atfork in the
// constructor and the program's new_handler. libfnprof.so, which cannot see
// the flag, sets it through fnprof_alloc_set_untracked (runtime_api.h) for
// its own threads.
class ReentryGuard {
 public:
  ReentryGuard() : was_(tls_busy) { tls_busy = true; }
  ~ReentryGuard() { tls_busy = was_; }
  ReentryGuard(const ReentryGuard&) = delete;
  ReentryGuard& operator=(const ReentryGuard&) = delete;

 private:
  bool was_;
};

// The program must see the errno the real function left. Only the
// tracker's cold paths can change it (mmap, the unwinder, clock_gettime's
// fallback), so they keep it, not the hot path.
struct ErrnoKeeper {
  int saved = errno;
  ~ErrnoKeeper() { errno = saved; }
};

// Who called the interposed function: its return address and stack pointer
// after the return (the canonical frame address of the interposed frame).
struct Caller {
  uintptr_t ret;
  uintptr_t cfa;
};

struct UnwindCache;
struct NodeCache;

// Per-thread state, in the tracker's own mappings; kept after the thread
// exits so the dump still has its totals.
struct AllocThread {
  uint64_t allocations;
  uint64_t frees;
  uint64_t bytes_allocated;
  uint64_t bytes_freed;
  uint64_t temporary;
  uint64_t mismatched;
  uint64_t untracked_frees;
  const void* last_block;  // this thread's latest allocation, until freed
  uint32_t sample_countdown;
  uint32_t heap_writing;  // 1 while it writes g_heap.live_bytes as its sole writer (heap_writer.h)
  bool truncated;
  SiteMap sites;
  rt::ThreadState** shadow;  // this thread's tls_thread in libfnprof.so
  UnwindCache* unwind_cache;
  NodeCache* node_cache;
  uintptr_t stack_lo, stack_hi;
  uint64_t tid;
  AllocThread* next;
};

// The process's heap as a whole.
struct HeapSample {
  uint64_t ticks;
  uint64_t live_bytes;
};
// Constant-initialized (constinit where defined): allocations come before any
// constructor of this library runs, and a dynamic initializer would zero
// what they recorded.
struct HeapState {
  // Written by one thread at a time with plain stores, or by all with atomic
  // adds once several threads allocate in turn (heap_writer.h).
  std::atomic<uint64_t> live_bytes{0};
  std::atomic<uint64_t> peak_bytes{0};
  std::atomic<uint64_t> peak_ticks{0};
  std::atomic<uint64_t> peak_epoch{0};    // +1 at every new peak
  std::atomic<uint64_t> sample_state{0};  // stride_log << 32 | samples taken
  std::atomic<uint64_t> next_sample_ns{0};
  HeapSample* samples = nullptr;
  std::atomic<bool> truncated{false};
};
extern HeapState g_heap;

bool tracker_ready();
AllocThread* thread_list();

void track_alloc(void* p, size_t size, AllocKind kind, Caller caller);
void track_free(void* p, AllocKind kind);

// realloc: the old block is taken out of the table before the real realloc
// (which may hand its address to another thread), then either accounted as
// freed or put back when realloc failed.
struct TakenBlock {
  bool tracked;
  uint32_t site;
  uint32_t kind;
  uint64_t size;
};
TakenBlock take_block(void* p);
void finish_free(void* p, const TakenBlock& block, AllocKind kind);
void restore_block(void* p, const TakenBlock& block);

}  // namespace fnprof::alloc
