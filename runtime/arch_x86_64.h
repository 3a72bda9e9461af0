// Everything the runtime knows about x86-64 (and glibc's x86-64 ABI), in one
// place: a port to another architecture starts here, and every number below
// says where it comes from.
#pragma once

#if !defined(__x86_64__)
#error "fnprof's runtime supports x86-64 only: see runtime/arch_x86_64.h"
#endif

#include <cpuid.h>
#include <x86intrin.h>

#include <cstdint>

#include "compiler.h"

namespace fnprof::arch {

// ---- Time stamp counter ----------------------------------------------------

// rdtsc, not rdtscp: the hooks want the cheapest read; an out-of-order
// read a few cycles early or late is below what a call costs.
FNPROF_ALWAYS_INLINE uint64_t read_tsc() { return __rdtsc(); }

// CPUID leaf 0x80000007, EDX bit 8 ("TscInvariant"): the TSC runs at a
// constant rate in every P-state and C-state, so one frequency converts
// ticks to time on every core for the whole run.
inline bool has_invariant_tsc() {
  unsigned a, b, c, d;
  if (!__get_cpuid(0x80000007, &a, &b, &c, &d)) return false;
  return d & (1u << 8);
}

// ---- Frames (the runtime is built with frame pointers) -----------------------

// A call pushes the 8-byte return address, just below the stack pointer of
// the frame it returns to.
inline constexpr uintptr_t kReturnAddressBytes = 8;

// The prologue then pushes the caller's %rbp and points %rbp at it, so a
// function's frame address (__builtin_frame_address(0)) is its caller's stack
// pointer after the return (the call's canonical frame address), less the
// return address and the saved %rbp.
inline constexpr uintptr_t kFrameToCallerSp = kReturnAddressBytes + 8;

// ---- glibc's jmp_buf ---------------------------------------------------------

// The stack pointer a jmp_buf returns to. glibc stores it at index JB_RSP (6)
// of __jmp_buf, mangled with the thread's pointer guard (PTR_MANGLE: xor
// with the guard, then rotate left by 17); the guard is the pointer_guard
// field of the thread control block (tcbhead_t), at offset 0x30 from the
// thread pointer, %fs.
inline uintptr_t jmp_buf_stack_pointer(const void* env) {
  constexpr int kJbRsp = 6;
  uintptr_t v = static_cast<const uintptr_t*>(env)[kJbRsp];
  v = (v >> 17) | (v << 47);
  uintptr_t guard;
  asm("mov %%fs:0x30, %0" : "=r"(guard));
  return v ^ guard;
}

// ---- Thread control block ------------------------------------------------------

// The thread pointer, %fs:0, which glibc points at the thread's struct
// pthread (its first member, tcbhead_t, holds the pointer to itself).
inline uintptr_t thread_pointer() {
  uintptr_t tp;
  asm("mov %%fs:0, %0" : "=r"(tp));
  return tp;
}

// sizeof(struct pthread) in glibc 2.36 for x86-64 (0x900; 2.34 added the
// rseq area); the reachability scan reads this much from the thread pointer,
// as far as it is mapped.
inline constexpr uintptr_t kThreadControlBlockBytes = 0x900;

// The callee-saved registers (System V AMD64 ABI: rbx, rbp, r12-r15): at a
// call, the only ones that may still hold the caller's values.
struct CalleeSavedRegisters {
  uint64_t values[6];
};

FNPROF_ALWAYS_INLINE CalleeSavedRegisters callee_saved_registers() {
  CalleeSavedRegisters r;
  asm volatile(
      "mov %%rbx, 0(%0)\n\tmov %%rbp, 8(%0)\n\tmov %%r12, 16(%0)\n\t"
      "mov %%r13, 24(%0)\n\tmov %%r14, 32(%0)\n\tmov %%r15, 40(%0)"
      :
      : "r"(r.values)
      : "memory");
  return r;
}

// ---- Address space -----------------------------------------------------------

// User-space addresses with 4-level paging are below 2^47 (the lower half of
// the 48-bit canonical range).
inline constexpr int kUserAddressBits = 47;

// Adds to a counter in one instruction, which a signal handler on the same
// thread cannot split (call_record.h). No lock prefix: other threads only
// read the counter.
FNPROF_ALWAYS_INLINE void signal_safe_add(uint64_t* counter, uint64_t value) {
  __asm__("addq %1, %0" : "+m"(*counter) : "er"(value));
}
FNPROF_ALWAYS_INLINE void signal_safe_add32(uint32_t* counter, uint32_t value) {
  __asm__("addl %1, %0" : "+m"(*counter) : "ir"(value));
}
// The first of four 32-bit tags equal to `tag`, 4 when none: one compare
// of all four (SSE2, part of x86-64).
FNPROF_ALWAYS_INLINE uint32_t find_tag4(const uint32_t* tags, uint32_t tag) {
  __m128i equal = _mm_cmpeq_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(tags)),
                                  _mm_set1_epi32(static_cast<int>(tag)));
  return static_cast<uint32_t>(__builtin_ctz(static_cast<uint32_t>(_mm_movemask_ps(_mm_castsi128_ps(equal))) | 16));
}

// Returns the value before the add: xadd without the lock prefix, one
// instruction all the same.
FNPROF_ALWAYS_INLINE uint32_t signal_safe_fetch_add32(uint32_t* counter, uint32_t value) {
  __asm__("xaddl %0, %1" : "+r"(value), "+m"(*counter));
  return value;
}

}  // namespace fnprof::arch
