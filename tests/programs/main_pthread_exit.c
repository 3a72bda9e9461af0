/* main ends with pthread_exit() while another thread still works: legal, and
 * the process ends when its last thread does, with status 0. fnprof's sampler
 * thread must not keep it alive.
 *
 *   main -> start 1
 *   thread "worker": worker 1 -> tick 10
 *
 * Output: "worker done", exit status 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE void tick(void) { sink = sink + 1; }

NOINLINE void* worker(void* arg) {
  (void)arg;
  struct timespec ts = {0, 50000000};  // main is gone by then
  nanosleep(&ts, NULL);
  for (int i = 0; i < 10; ++i) tick();
  printf("worker done\n");
  return NULL;
}

NOINLINE void start(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_setname_np(t, "worker");
}

int main(void) {
  start();
  pthread_exit(NULL);
}
