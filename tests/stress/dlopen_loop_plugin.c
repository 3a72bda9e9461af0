/* The plugin dlopen_loop opens and closes 1,000 times: plugin_entry(n) calls
 * plugin_helper n times and returns n. */
#include "test_program.h"

static volatile int plugin_sink;

NOINLINE void plugin_helper(void) { plugin_sink = plugin_sink + 1; }

__attribute__((visibility("default"))) NOINLINE int plugin_entry(int n) {
  for (int i = 0; i < n; ++i) plugin_helper();
  return n;
}
