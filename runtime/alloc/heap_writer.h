// The process's live bytes, changed by one writer at a time.
//
// Every allocation and free changes the process's live bytes, and the peak
// is exact only if each change starts from the one before. An atomic add
// does that, but a locked instruction waits for the store buffer to drain:
// the two of a malloc+free pair were half the tracker's cost (16 of 31 ns in
// alloc_bench's shadow mode). Most programs allocate from one thread at a
// time for long stretches, so the counter has one writer at a time, which
// changes it with a plain load and store. Another thread that needs to
// write takes the role over on a cold path (change_writer): it names itself
// the writer, makes every thread of the process pass a full barrier
// (membarrier(2), ~0.1 us), then waits until the previous writer has left
// its update. After kMaxWriterChanges handovers (threads that allocate side
// by side), or when membarrier is unavailable, every thread uses atomic adds
// for good.
//
// Why the handover is safe (an asymmetric Dekker): the writer announces
// itself (heap_writing = 1) before it checks that it still is the writer,
// with only a compiler barrier in between; the new writer stores its name,
// then membarrier. Either the announcement precedes the barrier on the old
// writer's CPU, and the new writer sees it and waits, or the check follows
// the barrier and sees the new name.
#pragma once

#include <atomic>
#include <cstdint>

#include "../compiler.h"
#include "tracker.h"

namespace fnprof::alloc {

inline AllocThread* const kSharedWriter = reinterpret_cast<AllocThread*>(uintptr_t{1});
// nullptr: nobody wrote yet. Hidden, so that change_live, inlined into the
// hooks, reads it directly and not through the GOT.
extern std::atomic<AllocThread*> g_writer FNPROF_HIDDEN;

FNPROF_COLD void change_writer(AllocThread* t);

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

void heap_writer_init();        // at start: registers for membarrier
void heap_writer_after_fork();  // the parent's writer is not in the child

}  // namespace fnprof::alloc
