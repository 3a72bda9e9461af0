// The other threads of the process as the leak scan needs them, read from
// /proc without stopping them (no signal, no ptrace: the program's threads
// go on as they would without fnprof).
//
// For a thread blocked in a system call (or stopped), the kernel tells its
// stack pointer and the six argument registers of the call
// (/proc/self/task/TID/syscall, which a process may always read of its own
// threads); the mapping that holds that stack pointer (/proc/self/maps) is
// its stack, with glibc's thread control block and static TLS at the top. A
// thread running on a CPU at that moment says only "running": no stack
// pointer, no registers (it is asked again for up to 20 ms: a thread on its
// way into a wait gets there). The other registers (callee-saved ones among them)
// are in the kernel's copy of the thread's state, which only ptrace reads.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fnprof::alloc {

struct OtherThread {
  uint64_t tid;
  bool running;                  // on a CPU (or runnable) when last asked
  bool blocked;                  // in a system call or stopped: the fields below hold
  bool in_syscall;               // args hold the call's argument registers
  uintptr_t stack_pointer;
  uintptr_t stack_lo, stack_hi;  // the mapping holding stack_pointer (0, 0: none found)
  uint64_t args[6];              // rdi, rsi, rdx, r10, r8, r9 at the call
};

struct OtherThreads {
  OtherThread* threads;  // in the tracker's own mappings
  size_t count;
  size_t bytes;
};

// Every thread of the process but the caller, as /proc lists them now; false
// (and no threads) when /proc cannot be read or memory cannot be mapped.
// Release with release_other_threads.
bool read_other_threads(OtherThreads* out);
void release_other_threads(OtherThreads* threads);

}  // namespace fnprof::alloc
