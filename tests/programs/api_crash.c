/* A fatal signal: with the argument "crash", main -> outer() -> crash()
 * writes through a null pointer (SIGSEGV). The dump is written with the
 * crashing thread's stack (crash, outer, main) and the process still dies of
 * SIGSEGV. Without an argument nothing crashes (the counting-hooks check).
 * Before that, main captures its stack once: "at start" (main, capturer),
 * and a thread that runs only uninstrumented code captures "unwound"
 * (plain_capture, plain_thread): no shadow stack there, libunwind's stack.
 *
 * Expected calls (no argument): main 1, capturer 1, outer 1, crash 1.
 * Output (no argument): "crash skipped", exit status 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <fnprof/fnprof.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE void capturer(void) { fnprof_capture_stack("at start"); }

__attribute__((no_instrument_function, noinline)) void plain_capture(void) {
  fnprof_capture_stack("unwound");
  sink = 3;
}

__attribute__((no_instrument_function, noinline)) void* plain_thread(void* arg) {
  plain_capture();
  sink = 4;
  return arg;
}

NOINLINE void crash(int really) {
  volatile int* volatile p = 0;
  if (really) *p = 1;
  sink = 1;
}

NOINLINE void outer(int really) {
  crash(really);
  sink = 2;
}

int main(int argc, char** argv) {
  capturer();
  pthread_t thread;
  pthread_create(&thread, NULL, plain_thread, NULL);
  pthread_join(thread, NULL);
  int really = argc > 1 && strcmp(argv[1], "crash") == 0;
  outer(really);
  printf("crash skipped\n");
  return 0;
}
