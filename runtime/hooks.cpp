// The hot path: GCC and Clang call these on entry to and exit from every
// function compiled with -finstrument-functions. Each reads the thread's
// state (one %fs-relative load), reads the clock and updates one node and one
// shadow frame; anything rare is an out-of-line call (thread start, a new
// child, a mismatched exit). No lock, no malloc, no syscall.
#include "api/api.h"
#include "call_tree.h"
#include "clock.h"
#include "compiler.h"
#include "stack_repair.h"
#include "thread_registry.h"

using namespace fnprof::rt;

namespace {

// A signal handler compiled with instrumentation may interrupt a hook half
// way through; the flag makes it skip its own hooks (both enter and exit, as
// it runs to completion inside the interrupted hook). Only the compiler must
// not move the stores, hence a signal fence, not a memory barrier.
inline void begin_hook(ThreadState* t) {
  t->in_hook = true;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}
inline void end_hook(ThreadState* t) {
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t->in_hook = false;
}

}  // namespace

extern "C" {

FNPROF_EXPORT FNPROF_NO_INSTRUMENT void __cyg_profile_func_enter(void* fn, void* /*call_site*/) {
  ThreadState* t = tls_thread;
  if (FNPROF_UNLIKELY(!t) && !(t = thread_begin())) return;
  if (FNPROF_UNLIKELY(t->in_hook)) return;
  begin_hook(t);

  const auto func = reinterpret_cast<uint64_t>(fn);
  // fnprof_pause(): one load of a flag that rarely changes, so the branch
  // predicts; exits need no check (api/api.h).
  if (FNPROF_UNLIKELY(api::g_paused.load(std::memory_order_relaxed))) {
    api::enter_paused(t, func, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
    return end_hook(t);
  }
  uint32_t parent = t->frames[t->depth].node;
  uint32_t child = t->nodes[parent].cached_child;
  // The root (node 0) has no function, so an empty cache never matches.
  if (FNPROF_UNLIKELY(t->nodes[child].func != func)) child = find_child(t, parent, func);
  ++t->nodes[child].calls;

  if (FNPROF_UNLIKELY(t->depth + 1 == t->frame_capacity)) {
    ++t->lost_depth;
    t->truncated = true;
  } else {
    Frame& f = t->frames[++t->depth];
    f.func = func;
    f.sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    f.node = child;
    f.start_ticks = read_ticks();  // last: the hook's own work is not the callee's time
  }
  end_hook(t);
}

FNPROF_EXPORT FNPROF_NO_INSTRUMENT void __cyg_profile_func_exit(void* fn, void* /*call_site*/) {
  uint64_t now = read_ticks();  // first, for the same reason
  ThreadState* t = tls_thread;
  if (FNPROF_UNLIKELY(!t || t->in_hook)) return;
  begin_hook(t);

  Frame& f = t->frames[t->depth];
  if (FNPROF_UNLIKELY(f.func != reinterpret_cast<uint64_t>(fn) || t->lost_depth)) {
    exit_mismatch(t, reinterpret_cast<uint64_t>(fn), now);
  } else {
    t->nodes[f.node].incl_ticks += now - f.start_ticks;
    --t->depth;
  }
  end_hook(t);
}

}  // extern "C"
