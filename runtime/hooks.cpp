// The hot path: GCC and Clang call these on entry to and exit from every
// function compiled with -finstrument-functions. Each reads the thread's
// state (one %fs-relative load), reads the clock and updates one node and one
// shadow frame (call_record.h); anything rare is an out-of-line call (thread
// start, a new child, a mismatched exit, a signal handler's call inside a
// rare path). No lock, no malloc, no syscall.
#include "call_record.h"
#include "clock.h"
#include "compiler.h"
#include "signal_calls.h"
#include "thread_registry.h"

using namespace fnprof::rt;

extern "C" {

FNPROF_EXPORT FNPROF_NO_INSTRUMENT void __cyg_profile_func_enter(void* fn, void* /*call_site*/) {
  ThreadState* t = tls_thread;
  if (FNPROF_UNLIKELY(!t) && !(t = thread_begin())) return;
  const auto func = reinterpret_cast<uint64_t>(fn);
  const auto sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (FNPROF_UNLIKELY(t->in_cold)) return log_signal_call(t, func, sp, read_ticks(), false);
  record_enter(t, func, sp, [] { return read_ticks(); });
}

FNPROF_EXPORT FNPROF_NO_INSTRUMENT void __cyg_profile_func_exit(void* fn, void* /*call_site*/) {
  uint64_t now = read_ticks();  // first: the hook's own work is not the callee's time
  ThreadState* t = tls_thread;
  if (FNPROF_UNLIKELY(!t)) return;
  const auto func = reinterpret_cast<uint64_t>(fn);
  if (FNPROF_UNLIKELY(t->in_cold)) return log_signal_call(t, func, 0, now, true);
  record_exit(t, func, now);
}

}  // extern "C"
