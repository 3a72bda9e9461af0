/* Built with -fsanitize=address: ASan brings its own allocator, so under
 * fnprof-run the tracker's malloc is not the one the program calls. fnprof-run
 * must either track it or say so (a line starting "fnprof"); the program
 * itself must run as without fnprof.
 *
 * 1,000 allocations of 1..1,000 bytes, all freed.
 * Output: "asan_program allocations 1000 frees 1000 bytes 500500", status 0.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  long allocations = 0, frees = 0, bytes = 0;
  for (int i = 1; i <= 1000; ++i) {
    volatile char* p = malloc((size_t)i);
    p[i - 1] = 1;
    ++allocations;
    bytes += i;
    free((void*)p);
    ++frees;
  }
  printf("asan_program allocations %ld frees %ld bytes %ld\n", allocations, frees, bytes);
  return 0;
}
