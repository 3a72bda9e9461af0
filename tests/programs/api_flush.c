/* fnprof_flush: three dumps, each complete and cumulative.
 *
 *   work() x 10; flush; work() x 20; flush; work() x 30; exit
 *
 * Dumps: .fnp with work 10, .2.fnp with work 30, .3.fnp (exit) with work 60.
 * Expected calls: main 1, work 60.
 * Output: "flush 60 2" (calls, dumps flushed; 0 without libfnprof.so).
 */
#include <stdio.h>

#include <fnprof/fnprof.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE int work(void) {
  sink = sink + 1;
  return 1;
}

int main(void) {
  int n = 0, flushed = 0;
  for (int i = 0; i < 10; ++i) n += work();
  flushed += fnprof_flush();
  for (int i = 0; i < 20; ++i) n += work();
  flushed += fnprof_flush();
  for (int i = 0; i < 30; ++i) n += work();
  printf("flush %d %d\n", n, flushed);
  return 0;
}
