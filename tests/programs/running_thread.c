/* A thread still running when the process exits: its calls are written too,
 * and the call it is blocked in counts until the dump.
 *
 *   main -> start 1
 *   thread "sleeper": sleeper 1 -> tick 10, sleeper -> wait_forever 1 (never returns)
 *
 * main waits until the thread is inside wait_forever, sleeps 50 ms more, and
 * returns. Output: "running_thread exiting", exit status 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "test_program.h"

DEFINE_SINK;

static atomic_int g_waiting;

NOINLINE void tick(void) { sink = sink + 1; }

NOINLINE void wait_forever(void) {
  atomic_store(&g_waiting, 1);
  for (;;) pause();
}

NOINLINE void* sleeper(void* arg) {
  (void)arg;
  for (int i = 0; i < 10; ++i) tick();
  wait_forever();
  return NULL;
}

NOINLINE void start(void) {
  pthread_t t;
  pthread_create(&t, NULL, sleeper, NULL);
  pthread_setname_np(t, "sleeper");
}

int main(void) {
  start();
  while (!atomic_load(&g_waiting)) sched_yield();
  struct timespec ts = {0, 50000000};
  nanosleep(&ts, NULL);
  printf("running_thread exiting\n");
  return 0;
}
