/* fnprof_flush: three dumps, each complete and cumulative, each replacing
 * the one before in the process's one file.
 *
 *   work() x 10; flush; work() x 20; flush; work() x 30; exit
 *
 * The file after each flush: work 10, then work 30; at exit, work 60.
 * Expected calls: main 1, work 60.
 * Output: "flush 60 2 files 1 1" (calls, dumps flushed, dump files in
 * FNPROF_OUTPUT after each flush; 0s without libfnprof.so).
 *
 * With the argument "collide", the program first writes "earlier process\n"
 * at its own dump's name, as an earlier process with the same pid would
 * have: its dumps then go to .2.fnp, and the output ends "files 2 2".
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fnprof/fnprof.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE int work(void) {
  sink = sink + 1;
  return 1;
}

static int dump_files(void) {
  const char* dir = getenv("FNPROF_OUTPUT");
  DIR* d = opendir(dir && *dir ? dir : ".");
  int n = 0;
  for (struct dirent* e; d && (e = readdir(d));)
    n += strncmp(e->d_name, "fnprof.", 7) == 0 && strcmp(e->d_name + strlen(e->d_name) - 4, ".fnp") == 0;
  if (d) closedir(d);
  return n;
}

static void plant_earlier_dump(const char* argv0) {
  const char* dir = getenv("FNPROF_OUTPUT");
  const char* slash = strrchr(argv0, '/');
  char path[4096];
  snprintf(path, sizeof path, "%s/fnprof.%s.%d.fnp", dir && *dir ? dir : ".", slash ? slash + 1 : argv0,
           (int)getpid());
  FILE* f = fopen(path, "w");
  if (f) fputs("earlier process\n", f), fclose(f);
}

int main(int argc, char** argv) {
  int n = 0, flushed = 0, files[2];
  if (argc > 1 && strcmp(argv[1], "collide") == 0) plant_earlier_dump(argv[0]);
  for (int i = 0; i < 10; ++i) n += work();
  flushed += fnprof_flush();
  files[0] = dump_files();
  for (int i = 0; i < 20; ++i) n += work();
  flushed += fnprof_flush();
  files[1] = dump_files();
  for (int i = 0; i < 30; ++i) n += work();
  printf("flush %d %d files %d %d\n", n, flushed, files[0], files[1]);
  return 0;
}
