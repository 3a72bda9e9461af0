/* Realloc storms: 4 threads each grow one block from nothing to 64,000 bytes
 * in 4,000 reallocs of 16 bytes more, shrink it back in 3,999 reallocs, and
 * free it with realloc(p, 0). A realloc that moves or resizes a block is one
 * allocation (of the new size) and one free; realloc(NULL, n) is an
 * allocation only. The program counts what it asks for.
 *
 * Output: "realloc_storm allocations 31996 frees 31996 bytes 1024000000",
 * exit status 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_program.h"

enum { kThreads = 4, kSteps = 4000, kStep = 16 };

struct tally {
  long allocations, frees, bytes;
};

NOINLINE void* resize(void* p, size_t size, struct tally* t) {
  void* q = realloc(p, size);
  if (p) ++t->frees;
  if (size) {
    ++t->allocations;
    t->bytes += (long)size;
    memset(q, 2, size);
  }
  return q;
}

NOINLINE void* storm(void* arg) {
  struct tally* t = arg;
  void* p = NULL;
  for (int i = 1; i <= kSteps; ++i) p = resize(p, (size_t)i * kStep, t);
  for (int i = kSteps - 1; i >= 1; --i) p = resize(p, (size_t)i * kStep, t);
  resize(p, 0, t);
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
  printf("realloc_storm allocations %ld frees %ld bytes %ld\n", sum.allocations, sum.frees, sum.bytes);
  return 0;
}
