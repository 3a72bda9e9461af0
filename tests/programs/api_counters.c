/* Counters and gauges under eight threads, through the C API. Each thread
 * adds 1 to the counter "tx" (higher is better) 1,000,000 times through a
 * handle, and 1000 times to "by-name" by name; main sets the gauge "queue"
 * (lower is better) to 50, 100, 0, 7 and adds -5 to "by-name".
 *
 * Counters: tx 8000000, by-name 7995; gauge queue last 7, min 0, max 100,
 * 4 updates.
 * Expected calls: main 1, worker 8.
 * Output: "counters 8", exit status 0. Without libfnprof.so the same.
 */
#include <pthread.h>
#include <stdio.h>

#include <fnprof/fnprof.h>

#include "test_program.h"

DEFINE_SINK;
static fnprof_counter_t g_tx;

NOINLINE void* worker(void* arg) {
  (void)arg;
  for (int i = 0; i < 1000000; ++i) fnprof_counter_inc(g_tx, 1);
  for (int i = 0; i < 1000; ++i) fnprof_counter_add("by-name", 1);
  sink = 1;
  return NULL;
}

int main(void) {
  g_tx = fnprof_counter("tx", FNPROF_HIGHER_IS_BETTER);
  fnprof_counter_t queue = fnprof_gauge("queue", FNPROF_LOWER_IS_BETTER);
  pthread_t threads[8];
  for (int i = 0; i < 8; ++i) pthread_create(&threads[i], NULL, worker, NULL);
  int values[] = {50, 100, 0, 7};
  for (int i = 0; i < 4; ++i) fnprof_gauge_put(queue, values[i]);
  fnprof_counter_add("by-name", -5);
  for (int i = 0; i < 8; ++i) pthread_join(threads[i], NULL);
  printf("counters %d\n", 8);
  return 0;
}
