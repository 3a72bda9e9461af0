/* fork inside threads: 8 threads call hot code, which allocates, while each
 * of them, in turn, forks (so other threads are inside the hooks and inside
 * malloc at the fork). A child (one thread: the one that forked) makes known
 * calls, allocating too, and exits; its parent thread waits for it.
 *
 *   thread: worker 1 -> spin 1000 -> leaf 1000, with a fork halfway
 *   child:  child_work 1 -> leaf 10, then exit(0)
 *
 * Parent process, expected calls: main 1, worker 8, spin 8000, leaf 8000.
 * Each child, counted from the fork on: child_work 1, leaf 10.
 * Output: "fork_threads 8 children exited 0", exit status 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_program.h"

DEFINE_SINK;

enum { kThreads = 8, kSpins = 1000 };

NOINLINE void leaf(void) {
  free(malloc(32));
  sink = sink + 1;
}
NOINLINE void spin(void) { leaf(); }

NOINLINE void child_work(void) {
  for (int i = 0; i < 10; ++i) leaf();
}

NOINLINE void* worker(void* arg) {
  (void)arg;
  for (int i = 0; i < kSpins / 2; ++i) spin();
  pid_t pid = fork();
  if (pid == 0) {
    child_work();
    exit(0);
  }
  for (int i = 0; i < kSpins / 2; ++i) spin();
  int status = 1;
  waitpid(pid, &status, 0);
  return (void*)(long)(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void) {
  pthread_t t[kThreads];
  for (int i = 0; i < kThreads; ++i) pthread_create(&t[i], NULL, worker, NULL);
  int ok = 0;
  for (int i = 0; i < kThreads; ++i) {
    void* r;
    pthread_join(t[i], &r);
    ok += r != NULL;
  }
  printf("fork_threads %d children exited 0\n", ok);
  return ok == kThreads ? 0 : 1;
}
