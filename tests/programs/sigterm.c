/* Killed by SIGTERM while running: after known calls, killer() raises
 * SIGTERM (default action: terminate) from three frames deep. The program
 * installs no handler; never_reached() is not called.
 *
 *   main -> compute x50 -> leaf x2 each;  main -> outer -> killer -> raise
 *
 * Expected calls:  main 1, compute 50, leaf 100, outer 1, killer 1,
 *                  never_reached 0
 * Expected edges:  <root>->main 1, main->compute 50, compute->leaf 100,
 *                  main->outer 1, outer->killer 1
 * Output: "sigterm raising", then death by SIGTERM (shell status 143).
 */
#include <signal.h>
#include <stdio.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE int leaf(void) { return sink + 1; }
NOINLINE int compute(void) { return leaf() + leaf(); }
NOINLINE void never_reached(void) { sink = -1; }
NOINLINE void killer(void) {
  printf("sigterm raising\n");
  fflush(stdout);
  raise(SIGTERM);
}
NOINLINE void outer(void) {
  killer();
  sink = 2;
}

int main(void) {
  int n = 0;
  for (int i = 0; i < 50; ++i) n += compute();
  outer();
  never_reached();
  return n == 100 ? 0 : 1;
}
