/* A program that closes all its file descriptors (as daemons do), then
 * allocates and calls instrumented code, then opens /dev/null four times: it
 * must get descriptors 0, 1, 2 and 3, in that order (the lowest free ones are
 * the program's, whatever fnprof keeps open). It has no stdout left, so the
 * result is the exit status: 0 when all holds, else 10 + the first wrong
 * descriptor.
 *
 * Expected calls: main 1, work 1000, leaf 1000.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE void leaf(void) { sink = sink + 1; }
NOINLINE void work(int i) {
  free(malloc((size_t)(i % 500) + 1));
  leaf();
}

int main(void) {
  for (int fd = 0; fd < 1024; ++fd) close(fd);
  for (int i = 0; i < 1000; ++i) work(i);
  for (int want = 0; want < 4; ++want) {
    int fd = open("/dev/null", O_RDWR);
    if (fd != want) return 10 + fd;
  }
  return 0;
}
