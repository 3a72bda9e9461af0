/* The compensation workload, one definition for fnprof-run --self-test's
 * built-in program (self_test_program.c) and the test program that
 * measures the compensation's accuracy (tests/programs/probe_truth.c):
 * work() spins about 2 us and calls tiny() 128 times; work_plain() and
 * tiny_plain() are the same code without hooks, what the program would take
 * without fnprof.
 *
 * 128, not the round 100: the comparison is of fastest calls (the means
 * move by 2x from run to run on a loaded machine), and the runtime counts
 * deferred durations once every 64 exits (runtime/call_record.h), a cost
 * the probe pair carries on average. 100 exits hold one or two counts, and
 * the fastest call is one with one, 0.56 of a count below the average it is
 * compensated for (-7% here). 128 exits always hold two.
 *
 * The includer defines `volatile int sink`, NOINLINE (a real call under its
 * own name with GCC and Clang) and NO_HOOKS, and has now_ns(). */
#ifndef FNPROF_TINY_CALLS_WORKLOAD_H
#define FNPROF_TINY_CALLS_WORKLOAD_H

#include <stdint.h>

#define WORK_SPIN 1500 /* multiplies in work(): about 2 us at 3 GHz */
#define TINY_CALLS 128 /* tiny() calls per work(): a multiple of 64 */

/* A chain of dependent multiplies, the empty asm keeping either compiler
 * from reassociating it; inlined into both twins, hooks in neither. */
NO_HOOKS static inline __attribute__((always_inline)) void spin(void) {
  uint64_t x = (uint64_t)sink;
  for (int i = 0; i < WORK_SPIN; ++i) {
    x = x * 6364136223846793005u + (uint64_t)i;
    __asm__ volatile("" : "+r"(x));
  }
  sink = (int)x;
}

NOINLINE void tiny(unsigned i) { sink = sink + (int)i; }
NOINLINE NO_HOOKS void tiny_plain(unsigned i) { sink = sink + (int)i; }

NOINLINE void work(void) {
  spin();
  for (unsigned i = 0; i < TINY_CALLS; ++i) tiny(i);
}

NOINLINE NO_HOOKS void work_plain(void) {
  spin();
  for (unsigned i = 0; i < TINY_CALLS; ++i) tiny_plain(i);
}

/* The fastest of `n` timings of `what`, less the clock reads' own, into
 * `out` when faster: a loaded machine's quiet moments give the fastest call,
 * so the twins are timed in the same batches as the instrumented calls. */
#define FASTEST(n, what, out)                                                            \
  do {                                                                                   \
    uint64_t best = UINT64_MAX, clock_best = UINT64_MAX;                                 \
    for (int k = 0; k < (n); ++k) {                                                      \
      uint64_t a = now_ns(), b = now_ns();                                               \
      what;                                                                              \
      uint64_t c = now_ns();                                                             \
      if (b - a < clock_best) clock_best = b - a;                                        \
      if (c - b < best) best = c - b;                                                    \
    }                                                                                    \
    if ((double)best - (double)clock_best < out) out = (double)best - (double)clock_best; \
  } while (0)

#endif
