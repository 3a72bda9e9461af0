/* The out-of-tree project the install tests build (tests/install/): known
   calls (main 1, sum_of_squares 1, square 1000) and one API counter, so the
   build must find fnprof's header and keep libfnprof.so linked. */
#include <fnprof/fnprof.h>
#include <stdio.h>

#include "work.h"

int main(void) {
  fnprof_counter_t squares = fnprof_counter("squares", FNPROF_HIGHER_IS_BETTER);
  long sum = sum_of_squares(1000);
  fnprof_counter_inc(squares, 1000);
  printf("%ld\n", sum);
  return 0;
}
