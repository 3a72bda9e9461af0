/* An instrumented shared library opened with dlopen, called, and closed with
 * dlclose before exit, so its code is unmapped when the profile is written
 * (the runtime must have recorded the module while it was loaded). The
 * plugin, libdlopen_plugin_<compiler>.so (PLUGIN_NAME), is looked for next to
 * the executable, or given as argv[1]. After dlclose the program checks that
 * the library is really gone (dlopen RTLD_NOLOAD fails).
 *
 *   main -> plugin_entry(4) x3;  plugin_entry -> plugin_helper x4 each
 *   after dlclose: main -> after_close x1 -> leaf x1
 *
 * Expected calls:  main 1, plugin_entry 3, plugin_helper 12, after_close 1,
 *                  leaf 1
 * Expected edges:  <root>->main 1, main->plugin_entry 3,
 *                  plugin_entry->plugin_helper 12, main->after_close 1,
 *                  after_close->leaf 1
 * plugin_entry and plugin_helper live in the plugin's module.
 * Output: "dlopen sum 18 unloaded 1", exit status 0.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test_program.h"

#ifndef PLUGIN_NAME
#error "build with -DPLUGIN_NAME=\"libdlopen_plugin_<compiler>.so\""
#endif

DEFINE_SINK;

NOINLINE void leaf(void) { sink = sink + 1; }
NOINLINE void after_close(void) { leaf(); }

int main(int argc, char** argv) {
  char path[PATH_MAX];
  if (argc > 1) {
    snprintf(path, sizeof path, "%s", argv[1]);
  } else {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0) return perror("readlink"), 2;
    exe[n] = 0;
    snprintf(path, sizeof path, "%s/%s", dirname(exe), PLUGIN_NAME);
  }
  void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) return fprintf(stderr, "dlopen: %s\n", dlerror()), 2;
  int (*entry)(int) = (int (*)(int))dlsym(lib, "plugin_entry");
  if (!entry) return fprintf(stderr, "dlsym: %s\n", dlerror()), 2;
  int sum = 0;
  for (int i = 0; i < 3; ++i) sum += entry(4);
  dlclose(lib);
  int unloaded = dlopen(path, RTLD_NOW | RTLD_NOLOAD) == NULL;
  after_close();
  printf("dlopen sum %d unloaded %d\n", sum, unloaded);
  return unloaded ? 0 : 1;
}
