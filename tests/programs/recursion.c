/* Direct recursion: fib(20) makes 2*F(21) - 1 = 21891 calls.
 *
 * Expected calls:     main 1, fib 21891
 * Expected edges:     <root>->main 1, main->fib 1, fib->fib 21890
 * Maximum depth:      main + 20 fib frames
 * Output: "fib(20) = 6765", exit status 0.
 */
#include <stdio.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
  printf("fib(20) = %ld\n", fib(20 + sink));
  return 0;
}
