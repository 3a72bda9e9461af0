/* The live-block table at scale: allocates N 16-byte blocks (default 20
   million), frees every other one and exits with the rest still allocated,
   so the tracker holds N/2 live blocks at exit and writes every one of them
   to the dump. Run by live_blocks_scale.sh. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000000;
  void** blocks = malloc(sizeof(void*) * (size_t)n);
  for (long i = 0; i < n; ++i) blocks[i] = malloc(16);
  for (long i = 0; i < n; i += 2) free(blocks[i]);
  printf("%ld blocks kept\n", n / 2);
  return 0;
}
