/* Memory that behaves the way the leak report's heuristics look for, over
   about 100 ms (run it with FNPROF_SAMPLE_INTERVAL=1ms so the heap timeline
   and the site snapshots see it happen):

   site (function)  allocs frees bytes_alloc  live at exit   leak report
   startup_table         1     0        5000    5000 in 1    lost (allocated in main: not start-up)
   grow                 50     0       50000   50000 in 50   lost, growing
   churn               100    50       10000    5000 in 50   lost, unbalanced
   spike                 1     1     8000000       0         the heap's peak: spike
   tick               3200  3200        3200       0         none (temporary)
   shared                  2     2          20       0         none (temporary)

   startup_table allocates before the loop and keeps its block, never adding
   to it; each of the 50 iterations (2 ms apart) keeps one more 1000-byte
   block in grow, allocates two 100-byte blocks in churn (from one call) and
   frees one of them; iteration 25 allocates 8 MB in spike, touches and frees it. Each
   iteration also makes 64 one-byte temporary allocations in tick: the
   tracker reads the clock (and may take a heap sample) once per 64
   allocations of a thread. shared allocates and frees one block when called
   through path_a and one through path_b: two stacks, one allocating line.
   The blocks kept in the static arrays below are lost at exit: nothing
   reads those arrays, so the compiler drops the stores into them. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc_program.h"

static void* table;
static void* kept[50];
static void* churned[50];

NOINLINE static void startup_table(void) { ESCAPE(table = malloc(5000)); }
NOINLINE static void grow(int i) { ESCAPE(kept[i] = malloc(1000)); }
NOINLINE static void churn(int i) {
  void* pair[2];
  for (int k = 0; k < 2; ++k) ESCAPE(pair[k] = malloc(100));  /* one call site */
  free(pair[0]);
  churned[i] = pair[1];
}
NOINLINE static void spike(void) {
  char* p = malloc(8000000);
  memset(p, 1, 8000000);
  ESCAPE(p);
  free(p);
}

NOINLINE static void tick(void) {
  for (int i = 0; i < 64; ++i) {
    void* p = malloc(1);
    ESCAPE(p);
    free(p);
  }
}

NOINLINE static void shared(void) {
  void* p = malloc(10);
  ESCAPE(p);
  free(p);
}
NOINLINE static void path_a(void) { shared(); }
NOINLINE static void path_b(void) { shared(); }

int main(void) {
  startup_table();
  path_a();
  path_b();
  for (int i = 0; i < 50; ++i) {
    struct timespec pause = {0, 2000000};
    nanosleep(&pause, NULL);
    grow(i);
    churn(i);
    if (i == 25) spike();
    tick();
  }
  say("done");
  return 0;
}
