// Keeping the shadow stack true to the real one when frames end without an
// exit hook: Clang emits no exit hook for frames an exception unwinds (GCC
// does), and longjmp skips exit hooks with either compiler.
//
// Every shadow frame records the hook's frame address, which orders frames by
// depth (the stack grows down: a callee's address is below its caller's). The
// runtime interposes the places where control lands in an older frame: the
// C++ personality routine, when it sends an exception into a frame's cleanup
// or catch (the unwinder's context holds that frame's stack pointer),
// __cxa_begin_catch, called by the catching function's landing pad with that
// function's stack pointer, and the longjmp family, whose jmp_buf holds the
// target's stack pointer. Frames below that point are closed right there, at
// the time of detection, so their callers' later calls attach to the right
// parent and the counts stay exact.
#pragma once

#include <cstdint>

#include "call_tree.h"
#include "compiler.h"

namespace fnprof::rt {

// Closes every frame whose hook frame address is below `boundary`.
void unwind_shadow_stack(ThreadState* t, uintptr_t boundary, uint64_t now);

// An exit hook that does not match the top frame: a frame skipped by some
// unwinding the interposers did not see, or a frame lost to a full stack.
// Cold: no call in a run of the calc example (12 million calls, callgrind).
FNPROF_COLD void exit_mismatch(ThreadState* t, uint64_t func, uint64_t now);

}  // namespace fnprof::rt
