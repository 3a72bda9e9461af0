/* Eight threads, each with a known amount of work. Thread i (0..7) is named
 * "worker-<i>" and runs worker(i), which calls step() 1000 * (i + 1) times;
 * step() calls leaf() twice. The main thread also calls step() 500 times
 * before joining. A barrier makes all eight threads live at once.
 *
 * Per thread:         worker-<i>: worker 1, step 1000*(i+1), leaf 2000*(i+1)
 *                     main thread: main 1, step 500, leaf 1000
 * Expected calls:     main 1, worker 8, step 36500, leaf 73000
 * Expected edges:     <root>->main 1, <root>->worker 8 (worker is the thread
 *                     start routine), worker->step 36000, main->step 500,
 *                     step->leaf 73000
 * Output: "threads 73000", exit status 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "test_program.h"

enum { kThreads = 8 };

DEFINE_SINK;
static pthread_barrier_t g_barrier;
static long g_leaves[kThreads + 1];

NOINLINE long leaf(void) {
  sink = 1;
  return 1;
}

NOINLINE long step(void) { return leaf() + leaf(); }

NOINLINE void* worker(void* arg) {
  intptr_t i = (intptr_t)arg;
  char name[16];
  snprintf(name, sizeof name, "worker-%d", (int)i);
  pthread_setname_np(pthread_self(), name);
  pthread_barrier_wait(&g_barrier);
  long n = 0;
  for (int k = 0; k < 1000 * (i + 1); ++k) n += step();
  g_leaves[i] = n;
  return NULL;
}

int main(void) {
  pthread_t threads[kThreads];
  pthread_barrier_init(&g_barrier, NULL, kThreads);
  for (intptr_t i = 0; i < kThreads; ++i)
    pthread_create(&threads[i], NULL, worker, (void*)i);
  long n = 0;
  for (int k = 0; k < 500; ++k) n += step();
  g_leaves[kThreads] = n;
  long total = 0;
  for (int i = 0; i < kThreads; ++i) pthread_join(threads[i], NULL);
  for (int i = 0; i <= kThreads; ++i) total += g_leaves[i];
  printf("threads %ld\n", total);
  return 0;
}
