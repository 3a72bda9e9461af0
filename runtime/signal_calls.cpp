#include "signal_calls.h"

#include <atomic>

#include "call_record.h"

namespace fnprof::rt {

void log_signal_call(ThreadState* t, uint64_t func, uintptr_t sp, uint64_t ticks, bool is_exit) {
  // One instruction reserves the slot: a handler nested in this one takes
  // the next. The replay runs only after every handler has returned.
  uint32_t at = __atomic_fetch_add(&t->signal_log_count, 1, __ATOMIC_RELAXED);
  if (at < kSignalLogCapacity) t->signal_log[at] = SignalCall{func, sp, ticks, is_exit};
}

void replay_signal_calls(ThreadState* t) {
  do {
    // The replay is a rare path too: handlers that interrupt it log their
    // calls after the ones being replayed.
    t->in_cold = true;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    uint32_t depth = t->depth;
    uint64_t last = 0;
    uint32_t i = 0, n;
    for (;;) {
      n = __atomic_load_n(&t->signal_log_count, __ATOMIC_RELAXED);
      if (i < n && i < kSignalLogCapacity) {
        SignalCall c = t->signal_log[i++];
        last = c.ticks;
        if (c.is_exit)
          record_exit(t, c.func, c.ticks);
        else
          record_enter(t, c.func, c.sp, [&] { return c.ticks; });
        continue;
      }
      // Empties the log unless a handler added to it since the load.
      if (__atomic_compare_exchange_n(&t->signal_log_count, &n, 0, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        break;
    }
    if (n > kSignalLogCapacity) {
      // The lost calls include exits of frames the replay opened.
      close_frames_above(t, depth, last);
      t->truncated = true;
    }
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t->in_cold = false;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    // A handler that came between the last look and the store above.
  } while (__atomic_load_n(&t->signal_log_count, __ATOMIC_RELAXED) != 0);
}

void abandon_cold_section(ThreadState* t) {
  t->in_cold = false;
  if (t->signal_log_count) replay_signal_calls(t);
}

}  // namespace fnprof::rt
