/* The program perf-report diff's end-to-end test compares with itself and
 * with its -DSLOWER build:
 *
 *   main -> run -> step x100 -> spin (1 ms; 2 ms with -DSLOWER)
 *                            -> quick x1
 *               -> quick x1 more with -DSLOWER (one extra call in the loop)
 *
 * spin waits on the clock, so its time holds whatever else the machine runs.
 * Output: "diff_subject done"; exit status 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "test_program.h"

DEFINE_SINK;

#ifdef SLOWER
#define SPIN_NS 2000000
#else
#define SPIN_NS 1000000
#endif

/* Not instrumented: how often spin reads the clock varies from run to run. */
__attribute__((no_instrument_function)) static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

NOINLINE void spin(void) {
  uint64_t end = now_ns() + SPIN_NS;
  while (now_ns() < end) sink = sink + 1;
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
