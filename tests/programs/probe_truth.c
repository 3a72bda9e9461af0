/* Probe cost compensation against the truth: work() spins about 2 us and
 * calls tiny() 100 times. Its twins work_plain() and tiny_plain() are the
 * same code without instrumentation (no_instrument_function, the same
 * compiler and flags): what the program would take without fnprof. main
 * times the twins itself and runs the instrumented ones the same number of
 * times, in alternating batches so that both meet the same load.
 *
 *   main -> work x 20000 -> tiny x 100 each
 *
 * Output on stdout: "plain_incl_ns <work_plain per call> plain_tiny_ns <tiny_plain
 * per call>"; exit status 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "test_program.h"

#define NO_HOOKS __attribute__((no_instrument_function))
#define SPIN 1400
#define CALLS 100
#define ROUNDS 20000
#define BATCHES 20

DEFINE_SINK;

NO_HOOKS static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Inlined into both twins, hooks in neither. */
NO_HOOKS static inline __attribute__((always_inline)) void spin(void) {
  for (int i = 0; i < SPIN; ++i) sink = i;
}

NOINLINE void tiny(unsigned i) { sink = sink + (int)i; }
NOINLINE NO_HOOKS void tiny_plain(unsigned i) { sink = sink + (int)i; }

NOINLINE void work(void) {
  spin();
  for (unsigned i = 0; i < CALLS; ++i) tiny(i);
}

NOINLINE NO_HOOKS void work_plain(void) {
  spin();
  for (unsigned i = 0; i < CALLS; ++i) tiny_plain(i);
}

int main(void) {
  uint64_t plain = 0, plain_tiny = 0;
  for (int b = 0; b < BATCHES; ++b) {
    uint64_t t0 = now_ns();
    for (int r = 0; r < ROUNDS / BATCHES; ++r) work_plain();
    uint64_t t1 = now_ns();
    for (int r = 0; r < ROUNDS / BATCHES; ++r)
      for (unsigned i = 0; i < CALLS; ++i) tiny_plain(i);
    uint64_t t2 = now_ns();
    for (int r = 0; r < ROUNDS / BATCHES; ++r) work();
    plain += t1 - t0, plain_tiny += t2 - t1;
  }
  printf("plain_incl_ns %.3f plain_tiny_ns %.4f\n", (double)plain / ROUNDS, (double)plain_tiny / ROUNDS / CALLS);
  return 0;
}
