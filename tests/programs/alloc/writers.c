/* The process's live bytes through every way threads take turns writing
   them (heap_writer.h, change_live): main allocates alone (the first writer),
   then 3 threads one after another (each takes the counter over once), then
   4 threads side by side, each keeping up to 32 blocks of its own alive while
   it allocates and frees 20,000 times (the counter changes hands until it
   is shared by all). Each thread leaves one block of 100 bytes. Then main,
   alone again, reaches the process's peak with one block of 1,000,000
   bytes: the peak is exact only if no change was lost on the way. It ends
   with 64 malloc(0)/free pairs, which change nothing but let the heap
   sampler (FNPROF_SAMPLE_INTERVAL=1ns) record the final live bytes: that
   last sample must equal the sum over the sites.
   main: 66 allocations, 65 frees, 1,001,000 bytes, 1,000,000 freed, 65
   temporaries; churn: see the test. */
#include <pthread.h>
#include <stdlib.h>

#include "alloc_program.h"

enum { kSideBySide = 4, kOneAfterAnother = 3, kOps = 20000, kKept = 32 };

NOINLINE static void* churn(void* arg) {
  (void)arg;
  void* kept[kKept] = {0};
  for (int i = 0; i < kOps; ++i) {
    int j = (i * 7) % kKept;
    free(kept[j]);
    kept[j] = malloc(16 + i % 200);
    ESCAPE(kept[j]);
  }
  for (int j = 0; j < kKept; ++j) free(kept[j]);
  void* left = malloc(100);
  ESCAPE(left);
  return left;
}

int main(void) {
  void* own = malloc(1000);
  ESCAPE(own);
  pthread_t t[kSideBySide];
  for (int i = 0; i < kOneAfterAnother; ++i) {
    pthread_create(&t[0], NULL, churn, NULL);
    pthread_join(t[0], NULL);
  }
  for (int i = 0; i < kSideBySide; ++i) pthread_create(&t[i], NULL, churn, NULL);
  for (int i = 0; i < kSideBySide; ++i) pthread_join(t[i], NULL);
  void* peak = malloc(1000000);
  ESCAPE(peak);
  free(peak);
  for (int i = 0; i < 64; ++i) {
    void* p = malloc(0);
    ESCAPE(p);
    free(p);
  }
  say("writers done");
  return 0;
}
