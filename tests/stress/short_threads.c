/* 2,000 short threads, 16 alive at a time (thread_churn in tests/programs
 * runs 20,000 one after another): each makes known calls and 10 allocations
 * of 16 * (k + 1) bytes (k = 0..9), all freed, so the tracker's per-thread
 * state is made and retired 2,000 times while other threads use theirs.
 *
 *   thread: worker 1 -> leaf 2;  main 1 -> batch 125 (16 threads each)
 *
 * Expected calls: main 1, batch 125, worker 2000, leaf 4000.
 * Program sites: 20,000 allocations, 20,000 frees, 1,760,000 bytes.
 * Output: "short_threads allocations 20000 frees 20000 bytes 1760000",
 * exit status 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_program.h"

DEFINE_SINK;

enum { kBatches = 125, kAlive = 16, kBlocks = 10 };

struct tally {
  long allocations, frees, bytes;
};

NOINLINE void leaf(void) { sink = sink + 1; }

NOINLINE void* worker(void* arg) {
  struct tally* t = arg;
  leaf();
  for (int k = 0; k < kBlocks; ++k) {
    size_t size = 16 * (size_t)(k + 1);
    volatile char* p = malloc(size);
    p[size - 1] = 1;
    ++t->allocations;
    t->bytes += (long)size;
    free((void*)p);
    ++t->frees;
  }
  leaf();
  return NULL;
}

NOINLINE void batch(struct tally* sum) {
  pthread_t t[kAlive];
  struct tally tallies[kAlive] = {{0}};
  for (int i = 0; i < kAlive; ++i) pthread_create(&t[i], NULL, worker, &tallies[i]);
  for (int i = 0; i < kAlive; ++i) {
    pthread_join(t[i], NULL);
    sum->allocations += tallies[i].allocations;
    sum->frees += tallies[i].frees;
    sum->bytes += tallies[i].bytes;
  }
}

int main(void) {
  struct tally sum = {0};
  for (int i = 0; i < kBatches; ++i) batch(&sum);
  printf("short_threads allocations %ld frees %ld bytes %ld\n", sum.allocations, sum.frees, sum.bytes);
  return 0;
}
