/* A 16-thread malloc storm: each thread makes 20,000 allocations of 1 to
 * 1,000 bytes (malloc, and every eighth calloc), keeps the last 64 alive and
 * frees the oldest, then frees the rest. The program counts what it asks for.
 *
 * Program sites: 320,000 allocations, 320,000 frees, 160,160,000 bytes.
 * Output: "malloc_storm allocations 320000 frees 320000 bytes 160160000",
 * exit status 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_program.h"

enum { kThreads = 16, kRounds = 20000, kLive = 64 };

struct tally {
  long allocations, frees, bytes;
};

NOINLINE void* storm(void* arg) {
  struct tally* t = arg;
  void* live[kLive] = {0};
  for (int i = 0; i < kRounds; ++i) {
    size_t size = (size_t)(i % 1000) + 1;
    void** slot = &live[i % kLive];
    if (*slot) {
      free(*slot);
      ++t->frees;
    }
    *slot = i % 8 ? malloc(size) : calloc(1, size);
    memset(*slot, 1, size);
    ++t->allocations;
    t->bytes += (long)size;
  }
  for (int i = 0; i < kLive; ++i) {
    free(live[i]);
    ++t->frees;
  }
  return NULL;
}

int main(void) {
  pthread_t threads[kThreads];
  struct tally tallies[kThreads] = {{0}};
  for (int i = 0; i < kThreads; ++i) pthread_create(&threads[i], NULL, storm, &tallies[i]);
  struct tally sum = {0};
  for (int i = 0; i < kThreads; ++i) {
    pthread_join(threads[i], NULL);
    sum.allocations += tallies[i].allocations;
    sum.frees += tallies[i].frees;
    sum.bytes += tallies[i].bytes;
  }
  printf("malloc_storm allocations %ld frees %ld bytes %ld\n", sum.allocations, sum.frees, sum.bytes);
  return 0;
}
