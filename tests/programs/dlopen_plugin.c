/* The instrumented plugin that dlopen.c loads, calls and unloads. Built once
 * per compiler (libdlopen_plugin_<compiler>.so) and linked against nothing:
 * its hook calls bind to whichever hooks the executable brought in. */
#include "test_program.h"

static volatile int plugin_sink;

NOINLINE int plugin_helper(int i) {
  plugin_sink = i;
  return i;
}

NOINLINE int plugin_entry(int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) sum += plugin_helper(i);
  return sum;
}
