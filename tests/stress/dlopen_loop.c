/* dlopen/dlclose 1,000 times: each round opens the instrumented plugin
 * (PLUGIN_NAME, next to the executable), calls plugin_entry(2) and closes it,
 * so the module is mapped and unmapped 1,000 times while its functions are
 * counted. At the end the plugin must really be gone (RTLD_NOLOAD fails).
 *
 * Expected calls: main 1, round_trip 1000, plugin_entry 1000, plugin_helper 2000.
 * Output: "dlopen_loop 1000", exit status 0.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test_program.h"

DEFINE_SINK;

enum { kRounds = 1000 };

static char plugin[PATH_MAX];

NOINLINE int round_trip(void) {
  void* h = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
  if (!h) return 0;
  int (*entry)(int) = (int (*)(int))dlsym(h, "plugin_entry");
  int r = entry ? entry(2) : 0;
  dlclose(h);
  return r == 2;
}

int main(void) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return 2;
  exe[n] = 0;
  snprintf(plugin, sizeof plugin, "%s/%s", dirname(exe), PLUGIN_NAME);
  int ok = 0;
  for (int i = 0; i < kRounds; ++i) ok += round_trip();
  if (dlopen(plugin, RTLD_NOW | RTLD_NOLOAD)) return 3;
  printf("dlopen_loop %d\n", ok);
  return ok == kRounds ? 0 : 1;
}
