/* The resource sampler: main burns CPU for about 0.6 s in spin() and
 * sleeps 0.4 s, with a phase around each ("busy", "idle"), then exits. At
 * FNPROF_SAMPLE_INTERVAL=50ms the dump holds one sample per 50 ms of the
 * run (plus the first, at start-up).
 *
 * Expected calls: main 1, spin 1.
 * Output: "sampler", exit status 0.
 */
#include <stdio.h>
#include <time.h>

#include <fnprof/fnprof.h>

#include "test_program.h"

DEFINE_SINK;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

NOINLINE void spin(double seconds) {
  double end = now() + seconds;
  while (now() < end) sink = sink + 1;
}

int main(void) {
  fnprof_phase_begin("busy", NULL, 0);
  spin(0.6);
  fnprof_phase_end(NULL, 0);
  fnprof_phase_begin("idle", NULL, 0);
  struct timespec ts = {0, 400000000};
  nanosleep(&ts, NULL);
  fnprof_phase_end(NULL, 0);
  printf("sampler\n");
  return 0;
}
