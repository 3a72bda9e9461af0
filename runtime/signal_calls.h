// Calls a signal handler makes while its thread is inside a rare path that
// changes the tree (call_record.h's ColdSection): the handler's hooks log
// them, and the rare path, once done, replays them into the tree in order,
// as if they had come right after it. Exact unless one rare path is
// interrupted by more than kSignalLogCapacity hooks (then the thread is
// marked truncated and the frames the lost exits would have closed end at
// the last logged time).
#pragma once

#include <cstdint>

#include "call_tree.h"
#include "compiler.h"

namespace fnprof::rt {

struct SignalCall {
  uint64_t func;
  uintptr_t sp;
  uint64_t ticks;
  uint64_t is_exit;
};

inline constexpr uint32_t kSignalLogCapacity = 128;

// From a hook that found its thread inside a rare path.
FNPROF_COLD void log_signal_call(ThreadState* t, uint64_t func, uintptr_t sp, uint64_t ticks, bool is_exit);

// Replays the logged calls; the calling rare path has ended.
FNPROF_COLD void replay_signal_calls(ThreadState* t);

// A signal handler that interrupted a rare path left it through siglongjmp:
// the path never ends, so its section is closed here and the handler's calls
// logged so far are replayed (the jump then closes their frames).
void abandon_cold_section(ThreadState* t);

}  // namespace fnprof::rt
