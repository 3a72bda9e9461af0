#include "stack_repair.h"

#include <dlfcn.h>
#include <unwind.h>

#include <atomic>

#include "arch_x86_64.h"
#include "clock.h"
#include "compiler.h"
#include "next_symbol.h"
#include "signal_calls.h"
#include "thread_registry.h"

namespace fnprof::rt {

void unwind_shadow_stack(ThreadState* t, uintptr_t boundary, uint64_t now) {
  uint32_t d = t->depth;
  while (d > 0 && t->frames[d].sp < boundary) --d;
  // Frames that did not fit on the shadow stack were deeper than all of it.
  if (d < t->depth) t->lost_depth = 0;
  close_frames_above(t, d, now);
}

void exit_mismatch(ThreadState* t, uint64_t func, uint64_t now) {
  if (t->lost_depth) {
    --t->lost_depth;
    return;
  }
  uint32_t d = t->depth;
  while (d > 0 && t->frames[d].func != func) --d;
  // Not on the stack: entered before this thread's profile started (a fork
  // child's fresh profile keeps the frames, so this is rare). Ignore it.
  if (d == 0) return;
  close_frames_above(t, d - 1, now);
}

namespace {

void repair_for_longjmp(const void* env) {
  ThreadState* t = tls_thread;
  if (!t) return;
  // A signal handler that interrupted a rare path may leave through siglongjmp.
  if (t->in_cold) abandon_cold_section(t);
  uintptr_t target_sp = arch::jmp_buf_stack_pointer(env);
  uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  // Only a jump up this stack unwinds frames (not to another stack, nor a
  // value we failed to demangle).
  if (target_sp <= here) return;
  // The hooks the target function called recorded its stack pointer less
  // arch::kFrameToCallerSp: keep those frames, close the rest.
  unwind_shadow_stack(t, target_sp - arch::kFrameToCallerSp, read_ticks());
}

// The unwinder's _Unwind_GetCFA, from libgcc_s: the C++ personality routine
// belongs to libstdc++, which always unwinds with libgcc_s, and the context
// is that library's. (A plain call could bind to libunwind's function of the
// same name, which libfnprof.so links too.)
uintptr_t frame_stack_pointer(_Unwind_Context* context) {
  using GetCfa = _Unwind_Word (*)(_Unwind_Context*);
  static constinit std::atomic<GetCfa> cached{nullptr};
  GetCfa get_cfa = cached.load(std::memory_order_relaxed);
  if (!get_cfa) {
    // Only a personality routine calls this, so libstdc++ and libgcc_s are loaded.
    void* libgcc = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NOLOAD);
    get_cfa = libgcc ? reinterpret_cast<GetCfa>(dlsym(libgcc, "_Unwind_GetCFA")) : nullptr;
    cached.store(get_cfa, std::memory_order_relaxed);
  }
  return get_cfa ? get_cfa(context) : 0;
}

}  // namespace

}  // namespace fnprof::rt

using namespace fnprof::rt;
namespace arch = fnprof::arch;

extern "C" {

struct __jmp_buf_tag;

FNPROF_EXPORT void* __cxa_begin_catch(void* exception) noexcept {
  static constinit NextSymbol<void* (*)(void*) noexcept> real{"__cxa_begin_catch"};
  if (ThreadState* t = tls_thread) {
    // Our frame address is the catching function's stack pointer less
    // arch::kFrameToCallerSp, exactly as in the hooks that function called.
    unwind_shadow_stack(t, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)), read_ticks());
  }
  return real.get()(exception);
}

// The personality routine decides, frame by frame, where an exception lands:
// in a catch, or first in the cleanups (destructors) of the frames it passes.
// Those cleanups run before any __cxa_begin_catch; without this, with Clang
// the frames already unwound would still be on the shadow stack and become
// the parents of the destructors' calls. For a frame it is about to resume,
// libgcc's CFA is the stack pointer inside that frame (as in the hooks it
// called, less arch::kFrameToCallerSp): close everything deeper.
FNPROF_EXPORT _Unwind_Reason_Code __gxx_personality_v0(int version, _Unwind_Action actions,
                                                       _Unwind_Exception_Class exception_class,
                                                       _Unwind_Exception* exception,
                                                       _Unwind_Context* context) {
  using Personality = _Unwind_Reason_Code (*)(int, _Unwind_Action, _Unwind_Exception_Class,
                                              _Unwind_Exception*, _Unwind_Context*);
  static constinit NextSymbol<Personality> real{"__gxx_personality_v0"};
  _Unwind_Reason_Code action = real.get()(version, actions, exception_class, exception, context);
  if (action == _URC_INSTALL_CONTEXT) {
    ThreadState* t = tls_thread;
    uintptr_t sp = frame_stack_pointer(context);
    if (t && sp) unwind_shadow_stack(t, sp - arch::kFrameToCallerSp, read_ticks());
  }
  return action;
}

#define FNPROF_LONGJMP(name)                                                         \
  FNPROF_EXPORT __attribute__((noreturn)) void name(__jmp_buf_tag* env, int value) {              \
    static constinit NextSymbol<void (*)(__jmp_buf_tag*, int)> real{#name};          \
    repair_for_longjmp(env);                                                         \
    real.get()(env, value);                                                          \
    __builtin_unreachable();                                                         \
  }

FNPROF_LONGJMP(longjmp)
FNPROF_LONGJMP(_longjmp)
FNPROF_LONGJMP(siglongjmp)
FNPROF_LONGJMP(__longjmp_chk)

}  // extern "C"
