// Threads alive at exit that never allocate or free, so the tracker never
// sees them: the leak scan finds their stacks through /proc (their stack
// pointers, runtime/alloc/thread_stacks.h). At exit, with both threads
// blocked in pthread_cond_wait:
//
//   handed_over   321 B, 1 block   still reachable: its only pointer is a
//                                  local of the waiting thread (main handed
//                                  it over through a global the thread
//                                  cleared)
//   forgotten     123 B, 1 block   definitely lost (main dropped it)
//   start_waiter  pthread_create's dynamic thread vector (DTV) of each of
//                 the 2 threads: possibly lost (glibc points into its middle)
//
// Totals: definitely lost 123 B in 1 block; still reachable 321 B in 1
// block; possibly lost the two DTVs.
#include <pthread.h>
#include <stdlib.h>

#include "alloc_program.h"

static void* volatile g_handoff;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;  // the waiters' own: no wake-ups
static int started;

NOINLINE void* handed_over(void) { return malloc(321); }
NOINLINE void* forgotten(void) { return malloc(123); }

static void* waiter(void* arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  void* volatile kept = g_handoff;  // the block's only pointer from here on
  g_handoff = NULL;
  started++;
  pthread_cond_signal(&changed);
  for (;;) pthread_cond_wait(&never, &lock);  // until the process exits
  return kept;
}

NOINLINE void start_waiter(void) {
  pthread_t t;
  pthread_create(&t, NULL, waiter, NULL);
}

NOINLINE void hand_over_and_forget(void) {
  g_handoff = handed_over();
  start_waiter();
  void* volatile lost = forgotten();
  (void)lost;
  start_waiter();  // a second thread, with nothing of its own
  pthread_mutex_lock(&lock);
  while (started < 2) pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);
}

// Wipes the stack below main's frame, where the functions above left
// pointers to the blocks.
NOINLINE void clear_stack(void) {
  volatile char wipe[16384];
  for (size_t i = 0; i < sizeof wipe; ++i) wipe[i] = 0;
}

int main(void) {
  hand_over_and_forget();
  clear_stack();
  say("idle threads");
  exit(0);
}
