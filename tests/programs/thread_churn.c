/* Thread churn: 20000 short threads, one after another, each making known
 * calls. Every thread's calls are in the dump, and the runtime must not run
 * out of memory mappings (the kernel allows 65530 per process by default).
 *
 *   thread i: worker 1 -> leaf 2;  main 1 -> spawn 20000
 *
 * Expected calls: main 1, spawn 20000, worker 20000, leaf 40000.
 * Output: "thread_churn 40000", exit status 0.
 */
#include <pthread.h>
#include <stdio.h>

#include "test_program.h"

DEFINE_SINK;

enum { kThreads = 20000 };

NOINLINE void leaf(void) { sink = sink + 1; }

NOINLINE void* worker(void* arg) {
  (void)arg;
  leaf();
  leaf();
  return NULL;
}

NOINLINE void spawn(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_join(t, NULL);
}

int main(void) {
  for (int i = 0; i < kThreads; ++i) spawn();
  printf("thread_churn %d\n", sink);
  return 0;
}
