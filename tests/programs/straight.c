/* Straight calls: a fixed call graph without recursion.
 *
 *   main -> f  x2      f -> g  x3 each      g -> h  x2 each
 *   main -> h  x1
 *
 * Expected calls:     main 1, f 2, g 6, h 13
 * Expected edges:     <root>->main 1, main->f 2, f->g 6, g->h 12, main->h 1
 * Output: "straight 13", exit status 0.
 */
#include <stdio.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE void h(void) { sink = sink + 1; }

NOINLINE void g(void) {
  h();
  h();
}

NOINLINE void f(void) {
  for (int i = 0; i < 3; ++i) g();
}

int main(void) {
  f();
  f();
  h();
  printf("straight %d\n", sink);
  return 0;
}
