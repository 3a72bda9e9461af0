// A C program as a profiler must leave it: it looks in /proc/self/maps for a
// C++ runtime (libstdc++, libgcc_s) that something other than itself loaded,
// and makes a few allocations of its own, libc making more for the FILE and
// getline's buffer. Run plainly, under libfnprof_count_allocations.so (the
// count without a profiler) and under the tracker, it must print the same
// and the tracker must count what the counting preload counts.
//
// Output: "no C++ runtime", exit status 0 (1 and the library's line when
// one is loaded).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_program.h"

static void* keep[3];

int main(void) {
  FILE* maps = fopen("/proc/self/maps", "r");
  if (!maps) return 2;
  char* line = NULL;
  size_t size = 0;
  int found = 0;
  while (getline(&line, &size, maps) > 0) {
    if (strstr(line, "libstdc++") || strstr(line, "libgcc_s")) {
      found = 1;
      say(line);
    }
  }
  free(line);
  fclose(maps);
  for (int i = 0; i < 3; ++i) keep[i] = malloc(100 * (i + 1));
  void* p = calloc(4, 25);
  p = realloc(p, 1000);
  ESCAPE(p);
  free(p);
  ESCAPE(keep);
  say(found ? "C++ runtime loaded" : "no C++ runtime");
  return found;
}
