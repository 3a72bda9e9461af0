/* fnprof_pause/fnprof_resume: calls in the paused region are not counted.
 *
 *   counted() x 10; pause; counted() x 100, hidden() x 5; resume;
 *   counted() x 7; region(): pause inside it, hidden() x 3, resume,
 *   counted() x 2 (region was entered before the pause: counted once)
 *
 * fnprof counts: main 1, region 1, counted 19, hidden 0.
 * Every call (the counting hooks): counted 119, hidden 8.
 * Output: "pause 127", exit status 0.
 */
#include <stdio.h>

#include <fnprof/fnprof.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE int counted(void) {
  sink = sink + 1;
  return 1;
}

NOINLINE int hidden(void) {
  sink = sink + 1;
  return 1;
}

NOINLINE int region(void) {
  int n = 0;
  fnprof_pause();
  for (int i = 0; i < 3; ++i) n += hidden();
  fnprof_resume();
  for (int i = 0; i < 2; ++i) n += counted();
  return n;
}

int main(void) {
  int n = 0;
  for (int i = 0; i < 10; ++i) n += counted();
  fnprof_pause();
  for (int i = 0; i < 100; ++i) n += counted();
  for (int i = 0; i < 5; ++i) n += hidden();
  fnprof_resume();
  for (int i = 0; i < 7; ++i) n += counted();
  n += region();
  printf("pause %d\n", n);
  return 0;
}
