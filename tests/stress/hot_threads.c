/* 16 threads in hot code at the same time: each makes 200,000 calls of hot(),
 * and each hot() calls leaf() once, so the hooks of all threads run together
 * for the whole test.
 *
 * Expected calls: main 1, worker 16, hot 3,200,000, leaf 3,200,000.
 * Output: "hot_threads 3200000", exit status 0.
 */
#include <pthread.h>
#include <stdio.h>

#include "test_program.h"

DEFINE_SINK;

enum { kThreads = 16, kCalls = 200000 };

NOINLINE void leaf(long* acc) { *acc += 1; }
NOINLINE void hot(long* acc) { leaf(acc); }

NOINLINE void* worker(void* arg) {
  long* acc = arg;
  for (int i = 0; i < kCalls; ++i) hot(acc);
  return NULL;
}

int main(void) {
  pthread_t t[kThreads];
  long acc[kThreads] = {0};
  for (int i = 0; i < kThreads; ++i) pthread_create(&t[i], NULL, worker, &acc[i]);
  long total = 0;
  for (int i = 0; i < kThreads; ++i) {
    pthread_join(t[i], NULL);
    total += acc[i];
  }
  printf("hot_threads %ld\n", total);
  return 0;
}
