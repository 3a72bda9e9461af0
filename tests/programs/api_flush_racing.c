/* Dumps taken while other threads run must read back whole. Two workers
 * each call descend() 3,000 times, recursing 0 to 999 deep (i % 1000) and
 * at the bottom spinning 2^(i % 12) rounds and allocating 2^(i % 18) bytes,
 * so that their nodes keep gaining calls in new duration buckets and their
 * site new size buckets; meanwhile main flushes as fast as it can and keeps
 * every dump, renamed kept.<n>.fnp beside the process's file.
 *
 * Expected calls: main 1, worker 2, descend 2 x 3 x (1 + ... + 1000) =
 * 3,003,000. Output: "flush_racing done".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fnprof/fnprof.h>

#include "test_program.h"

DEFINE_SINK;

enum { kThreads = 2, kRounds = 3000, kDepths = 1000 };

static volatile int workers_done;

NOINLINE void descend(unsigned depth, unsigned i) {
  if (depth) {
    descend(depth - 1, i);
    sink = sink + 1;  /* not a tail call: every level stays a frame */
    return;
  }
  for (unsigned r = 0; r < 1u << (i % 12); ++r) sink = sink + 1;
  free(malloc((size_t)1 << (i % 18)));
}

NOINLINE void* worker(void* arg) {
  (void)arg;
  for (unsigned i = 0; i < kRounds; ++i) descend(i % kDepths, i);
  __atomic_add_fetch(&workers_done, 1, __ATOMIC_RELEASE);
  return NULL;
}

int main(int argc, char** argv) {
  (void)argc;
  const char* dir = getenv("FNPROF_OUTPUT");
  const char* slash = strrchr(argv[0], '/');
  char dump[4096], kept[4096];
  snprintf(dump, sizeof dump, "%s/fnprof.%s.%d.fnp", dir && *dir ? dir : ".", slash ? slash + 1 : argv[0],
           (int)getpid());
  pthread_t t[kThreads];
  for (int i = 0; i < kThreads; ++i) pthread_create(&t[i], NULL, worker, NULL);
  for (int n = 0; __atomic_load_n(&workers_done, __ATOMIC_ACQUIRE) < kThreads; ++n) {
    if (!fnprof_flush()) break;  /* without fnprof: nothing to keep */
    snprintf(kept, sizeof kept, "%s/kept.%d.fnp", dir && *dir ? dir : ".", n);
    rename(dump, kept);
  }
  for (int i = 0; i < kThreads; ++i) pthread_join(t[i], NULL);
  puts("flush_racing done");
  return 0;
}
