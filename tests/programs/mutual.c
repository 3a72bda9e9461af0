/* Mutual recursion: is_even(n) and is_odd(n) call each other with n - 1.
 *
 *   is_even(1000): is_even with n = 1000, 998, ..., 0 (501 calls) and
 *                  is_odd with n = 999, ..., 1 (500 calls)
 *   is_odd(7):     is_odd 7, 5, 3, 1 (4 calls), is_even 6, 4, 2, 0 (4 calls)
 *
 * Expected calls:     main 1, is_even 505, is_odd 504
 * Expected edges:     <root>->main 1, main->is_even 1, main->is_odd 1,
 *                     is_even->is_odd 503, is_odd->is_even 504
 * Output: "is_even(1000) = 1, is_odd(7) = 1", exit status 0.
 */
#include <stdio.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE int is_odd(int n);

NOINLINE int is_even(int n) { return n == 0 ? 1 : is_odd(n - 1); }

NOINLINE int is_odd(int n) { return n == 0 ? 0 : is_even(n - 1); }

int main(void) {
  int e = is_even(1000 + sink);
  int o = is_odd(7 + sink);
  printf("is_even(1000) = %d, is_odd(7) = %d\n", e, o);
  return 0;
}
