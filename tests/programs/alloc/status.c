/* fnprof_status() under the allocation tracker: the live heap it reports
   moves by exactly what the program allocates and frees. Built linked to
   libfnprof.so (the API); run under the tracker it prints
     "heap known 1, +1000000 after malloc, +0 after free"
   and without the tracker "heap known 0". */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <fnprof/fnprof.h>

#include "alloc_program.h"

int main(void) {
  fnprof_status_t before = fnprof_status();
  if (!before.heap_known) {
    say("heap known 0");
    return 0;
  }
  char* p = malloc(1000000);
  ESCAPE(p);
  fnprof_status_t held = fnprof_status();
  free(p);
  fnprof_status_t after = fnprof_status();
  char line[128];
  snprintf(line, sizeof line, "heap known 1, %+" PRId64 " after malloc, %+" PRId64 " after free",
           (int64_t)(held.heap_live_bytes - before.heap_live_bytes),
           (int64_t)(after.heap_live_bytes - before.heap_live_bytes));
  say(line);
  return 0;
}
