/* Busy time: the thread spends known wall time in instrumented functions,
 * measured by the program itself with CLOCK_MONOTONIC around work(); fnprof's
 * inclusive time of work() and the sum of self times under it must match.
 *
 *   main -> work -> spin_long x2 (about 30 ms each) -> spin_short x3 (1 ms)
 *                -> spin_short x10
 *
 * Output: "busy done"; on stderr "spent <nanoseconds in work()>"; exit status 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "test_program.h"

DEFINE_SINK;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void spin_for(uint64_t ns) {
  uint64_t end = now_ns() + ns;
  while (now_ns() < end) sink = sink + 1;
}

NOINLINE void spin_short(void) { spin_for(1000000); }

NOINLINE void spin_long(void) {
  spin_for(27000000);
  for (int i = 0; i < 3; ++i) spin_short();
}

NOINLINE void work(void) {
  spin_long();
  spin_long();
  for (int i = 0; i < 10; ++i) spin_short();
}

int main(void) {
  uint64_t start = now_ns();
  work();
  uint64_t spent = now_ns() - start;
  printf("busy done\n");
  fprintf(stderr, "spent %llu\n", (unsigned long long)spent);
  return 0;
}
