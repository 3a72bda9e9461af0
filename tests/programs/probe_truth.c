/* Probe cost compensation against the truth: work() spins about 2 us and
 * calls tiny() 128 times. Its twins work_plain() and tiny_plain() are the
 * same code without instrumentation (no_instrument_function, the same
 * compiler and flags): what the program would take without fnprof. main
 * times the twins itself and runs the instrumented ones the same number of
 * times, in alternating batches.
 *
 *   main -> work x 20000 -> tiny x 128 each
 *
 * Output on stdout: "plain_incl_ns <a> plain_tiny_ns <b> min_incl_ns <c>
 * min_tiny_ns <d>": a and b the mean time of one call of work_plain and of
 * tiny_plain; c and d the fastest call of work_plain and the fastest loop
 * of 128 tiny_plain calls over 128, each less the cost of the clock reads
 * around it (the means suffer from a loaded machine's preemptions, the
 * fastest calls do not); exit status 0. The fastest calls are looked for in
 * every batch, beside the instrumented calls: a loaded machine's quiet
 * moments come and go, and the fastest instrumented call is its quietest
 * moment's, so the truth must have the same chances.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "test_program.h"

#define NO_HOOKS __attribute__((no_instrument_function))
#define ROUNDS 20000
#define BATCHES 20

DEFINE_SINK;

NO_HOOKS static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#include "tiny_calls_workload.h"

int main(void) {
  uint64_t plain = 0, plain_tiny = 0;
  double min_incl = 1e18, min_tiny = 1e18;
  for (int b = 0; b < BATCHES; ++b) {
    FASTEST(ROUNDS / BATCHES, work_plain(), min_incl);
    FASTEST(ROUNDS / BATCHES / 10, for (unsigned i = 0; i < TINY_CALLS; ++i) tiny_plain(i), min_tiny);
    uint64_t t0 = now_ns();
    for (int r = 0; r < ROUNDS / BATCHES; ++r) work_plain();
    uint64_t t1 = now_ns();
    for (int r = 0; r < ROUNDS / BATCHES; ++r)
      for (unsigned i = 0; i < TINY_CALLS; ++i) tiny_plain(i);
    uint64_t t2 = now_ns();
    for (int r = 0; r < ROUNDS / BATCHES; ++r) work();
    plain += t1 - t0, plain_tiny += t2 - t1;
  }
  printf("plain_incl_ns %.3f plain_tiny_ns %.4f min_incl_ns %.1f min_tiny_ns %.3f\n", (double)plain / ROUNDS,
         (double)plain_tiny / ROUNDS / TINY_CALLS, min_incl, min_tiny / TINY_CALLS);
  return 0;
}
