/* Call durations against the truth: timed(n) spins for n microseconds,
 * n taken from a fixed spread (1 to 2000 us, heavy-tailed), and records how
 * long its own body took with CLOCK_MONOTONIC. main prints the exact
 * percentiles of those durations, for perf-report's histogram to match
 * within one bucket.
 *
 *   main -> timed x 1000
 *
 * Output on stdout: "min_ns <a> p50_ns <b> p90_ns <c> p99_ns <d> max_ns <e>"
 * (nearest rank); exit status 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "test_program.h"

#define NO_HOOKS __attribute__((no_instrument_function))
#define CALLS 1000

DEFINE_SINK;
static uint64_t durations[CALLS];
static int recorded;

NO_HOOKS static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

NOINLINE void timed(uint64_t us) {
  uint64_t begin = now_ns(), end = begin + us * 1000, t;
  while ((t = now_ns()) < end) sink = sink + 1;
  durations[recorded++] = t - begin;
}

NO_HOOKS static int by_value(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest duration that p of the calls do not exceed. */
NO_HOOKS static uint64_t rank(double p) {
  int i = (int)(p * CALLS + 0.999999) - 1;
  return durations[i < 0 ? 0 : i];
}

int main(void) {
  for (int i = 0; i < CALLS; ++i) {
    /* Most calls short, a tenth ten times longer, a hundredth a hundred times. */
    uint64_t us = 1 + (uint64_t)(i * 7 % 20);
    if (i % 10 == 3) us *= 10;
    if (i % 100 == 57) us *= 100;
    timed(us);
  }
  qsort(durations, CALLS, sizeof durations[0], by_value);
  printf("min_ns %llu p50_ns %llu p90_ns %llu p99_ns %llu max_ns %llu\n", (unsigned long long)durations[0],
         (unsigned long long)rank(0.5), (unsigned long long)rank(0.9), (unsigned long long)rank(0.99),
         (unsigned long long)durations[CALLS - 1]);
  return 0;
}
