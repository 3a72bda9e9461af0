/* The program perf-report diff's end-to-end test compares with itself and
 * with its -DSLOWER build:
 *
 *   main -> run -> step x100 -> spin (500,000 steps of work; twice as many with -DSLOWER)
 *                            -> quick x1
 *               -> quick x1 more with -DSLOWER (one extra call in the loop)
 *
 * spin does a fixed amount of work rather than wait on the clock: when the
 * machine is busy both builds slow down alike, and the ratio holds.
 * Output: "diff_subject done"; exit status 0.
 */
#include <stdio.h>

#include "test_program.h"

DEFINE_SINK;

#ifdef SLOWER
#define SPIN_STEPS 1000000
#else
#define SPIN_STEPS 500000
#endif

NOINLINE void spin(void) {
  for (int i = 0; i < SPIN_STEPS; ++i) sink = sink + 1;
}

NOINLINE void quick(void) { sink = sink + 1; }

NOINLINE void step(void) {
  spin();
  quick();
}

NOINLINE void run(void) {
  for (int i = 0; i < 100; ++i) {
    step();
#ifdef SLOWER
    if (i == 50) quick();
#endif
  }
}

int main(void) {
  run();
  puts("diff_subject done");
  return 0;
}
