/* A fatal signal: with the argument "crash", main -> outer() -> crash()
 * writes through a null pointer (SIGSEGV). The dump is written with the
 * crashing thread's stack (crash, outer, main) and the process still dies of
 * SIGSEGV. Without an argument nothing crashes (the counting-hooks check).
 * Before that, main captures its stack once: "at start" (main, capturer).
 *
 * Expected calls (no argument): main 1, capturer 1, outer 1, crash 1.
 * Output (no argument): "crash skipped", exit status 0.
 */
#include <stdio.h>
#include <string.h>

#include <fnprof/fnprof.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE void capturer(void) { fnprof_capture_stack("at start"); }

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
  int really = argc > 1 && strcmp(argv[1], "crash") == 0;
  outer(really);
  printf("crash skipped\n");
  return 0;
}
