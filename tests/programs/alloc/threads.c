/* Eight threads allocate at the same time. Thread i (0..7):
     churn:  1000 x { malloc(48); free } -> 1000 allocs/frees, 48,000 bytes,
             1000 temporaries, per thread (8 sites, one per thread)
     leak:   malloc(16 * (i + 1)), never freed -> thread i's leak site holds
             16 * (i + 1) bytes; 576 bytes in 8 blocks over all threads
     handoff: 10 x malloc(24) passed to main, which frees them after the
             join: each thread's handoff site has 10 allocs, 240 bytes, and
             10 frees made by another thread; none is a temporary.
   Totals over program sites: 8 * (1000 + 1 + 10) = 8088 allocations,
   8 * 1010 = 8080 frees, 8 * (48000 + 16*(i+1) + 240) bytes = 386,496
   allocated, 385,920 freed, 576 leaked in 8 blocks, 8000 temporaries, and
   24 sites (3 per thread, each with the thread's own tid). */
#include <pthread.h>
#include <stdlib.h>

#include "alloc_program.h"

enum { kThreads = 8, kChurn = 1000, kHandoff = 10 };
static void* handed[kThreads][kHandoff];
static void* leaked[kThreads];

NOINLINE static void churn(void) {
  for (int i = 0; i < kChurn; ++i) {
    void* p = malloc(48);
    ESCAPE(p);
    free(p);
  }
}
NOINLINE static void* leak(long i) { void* p = malloc(16 * (i + 1)); ESCAPE(p); return p; }
NOINLINE static void* handoff(void) { void* p = malloc(24); ESCAPE(p); return p; }

static void* worker(void* arg) {
  long i = (long)arg;
  churn();
  leaked[i] = leak(i);
  for (int k = 0; k < kHandoff; ++k) handed[i][k] = handoff();
  return NULL;
}

int main(void) {
  pthread_t t[kThreads];
  for (long i = 0; i < kThreads; ++i) pthread_create(&t[i], NULL, worker, (void*)i);
  for (int i = 0; i < kThreads; ++i) pthread_join(t[i], NULL);
  for (int i = 0; i < kThreads; ++i)
    for (int k = 0; k < kHandoff; ++k) free(handed[i][k]);
  say("threads done");
  return 0;
}
