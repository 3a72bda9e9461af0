/* Closes every file descriptor, then opens three files and expects 0, 1 and
 * 2, as a daemon does; allocates between the steps (under fnprof-run each
 * new call path is unwound). Writes what it saw to the file named by argv[1]
 * (default /dev/null), opened as its new stdout: the numbers it got, the descriptors below 64
 * open at the end, and how many others are open without close-on-exec (the
 * runtime's must all be close-on-exec and above the program's).
 *
 * With a second argument "dup2", it then puts its new stdout at 900 to 909
 * too (where fnprof keeps libunwind's pipe) and allocates again: nothing may
 * be read from or written to them but what it writes; "others" is then 10.
 *
 * Calls: main 1, allocate 10 (8 from main, 2 from open_three), open_three 1,
 * list 1 (allocate 14, 12 from main, with "dup2"). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE void* allocate(size_t n) {
  char* p = malloc(n);
  p[0] = 1;
  sink += p[0];
  return p;
}

NOINLINE int open_three(const char* out, int got[3]) {
  got[0] = open("/dev/null", O_RDONLY);
  free(allocate(40));
  got[1] = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  free(allocate(50));
  got[2] = open("/dev/null", O_WRONLY);
  return got[1];
}

NOINLINE void list(void) {
  char low[64] = {0};
  int others = 0;
  DIR* d = opendir("/proc/self/fd");
  int own = dirfd(d);
  struct dirent* e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    int fd = atoi(e->d_name);
    if (fd == own) continue;
    if (fd < 64) low[fd] = 1;
    else if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC)) ++others;
  }
  closedir(d);
  printf("open:");
  for (int fd = 0; fd < 64; ++fd)
    if (low[fd]) printf(" %d", fd);
  printf("\nothers without close-on-exec: %d\n", others);
}

int main(int argc, char** argv) {
  const char* out = argc > 1 ? argv[1] : "/dev/null";
  void* kept[4];
  for (int i = 0; i < 4; ++i) kept[i] = allocate(100 + i);
  close_range(0, ~0u, 0);
  for (int i = 0; i < 4; ++i) free(allocate(200 + i));
  int got[3];
  open_three(out, got);
  if (argc > 2 && strcmp(argv[2], "dup2") == 0) {
    for (int fd = 900; fd < 910; ++fd) dup2(got[1], fd);
    for (int i = 0; i < 4; ++i) free(allocate(300 + i));
  }
  printf("got: %d %d %d\n", got[0], got[1], got[2]);
  list();
  for (int i = 0; i < 4; ++i) free(kept[i]);
  return 0;
}
