/* exec: the first image makes known calls, then execs itself with the
 * argument "second" (through execl, as a user would), and the second image
 * makes others. Each image writes its own dump under the same pid; the first
 * is written just before exec replaces the image. A failed exec first (of a
 * path that does not exist) must leave no dump behind.
 *
 *   first image:   main 1, before_exec 2, leaf 4 (before_exec->leaf 4)
 *   second image:  main 1, second_image 1, leaf 3 (second_image->leaf 3)
 *
 * Output: "exec first", "exec failed", "exec second", exit status 0.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE void leaf(void) { sink = sink + 1; }

NOINLINE void before_exec(void) {
  leaf();
  leaf();
}

NOINLINE void second_image(void) {
  for (int i = 0; i < 3; ++i) leaf();
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "second") == 0) {
    second_image();
    printf("exec second\n");
    return 0;
  }
  before_exec();
  before_exec();
  printf("exec first\n");
  fflush(stdout);
  if (execl("/nonexistent/fnprof-test", "x", (char*)0) != 0) printf("exec failed\n");
  fflush(stdout);
  execl("/proc/self/exe", argv[0], "second", (char*)0);
  return 1;
}
