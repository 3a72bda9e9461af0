/* Built with -fsanitize=address (GCC and Clang): fnprof-run cannot track its
 * allocations and says so; the program runs as without it.
 * Output: "asan 1"; exit status 3. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  volatile char* p = malloc(1000);
  p[0] = 1;
  printf("asan %d\n", p[0]);
  free((void*)p);
  return 3;
}
