// Thread birth and death. A thread gets its ThreadState on its first hook
// call; states are kept in a lock-free list until the dump is written, so the
// calls of threads that exited early are written too (an exited thread keeps
// only its state and a copy of its nodes).
#pragma once

#include "call_tree.h"
#include "compiler.h"

namespace fnprof::rt {

// The calling thread's state. initial-exec: a plain %fs-relative load in the
// hooks, no __tls_get_addr call (libfnprof.so is linked to the program, never
// dlopen'ed, so its TLS is in the static block).
extern __thread ThreadState* tls_thread __attribute__((tls_model("initial-exec")));

// Creates the calling thread's state, on its first hook; nullptr when the
// runtime cannot profile this thread (out of memory).
FNPROF_COLD ThreadState* thread_begin();

// Reading other threads' states (a dump, the status API, the exit summary):
// an exiting thread gives its reservations back only once no reader is
// inside one of these. Async-signal-safe; keep it short.
class ThreadReader {
 public:
  ThreadReader();
  ~ThreadReader();
  ThreadReader(const ThreadReader&) = delete;
  ThreadReader& operator=(const ThreadReader&) = delete;
  // The first registered thread state, then ->next; newest first.
  ThreadState* first() const;
  // A state's nodes and shadow stack: moved when its thread exits.
  const Node* nodes(const ThreadState* t) const;
  const NodeDurations* durations(const ThreadState* t) const;
  const Frame* frames(const ThreadState* t) const;
};

// The thread's on-CPU time so far (its kernel CPU clock), or at its end
// once it has finished; 0 when the kernel cannot tell. Async-signal-safe.
uint64_t thread_cpu_ns(const ThreadState* t);

// Fork child: only the forking thread exists in the child.
void threads_after_fork(uint64_t now);

void thread_registry_init();

}  // namespace fnprof::rt
