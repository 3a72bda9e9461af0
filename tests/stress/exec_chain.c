/* fork+exec chains: image k (argv[1], starting at 4) makes known calls, then
 * forks a child that execs this program with k - 1, and waits for it. The
 * last image (0) starts no child. Each image prints its line after its child
 * is done, so the output is in order from the bottom of the chain up.
 *
 * Each image: main 1, work 1, leaf 3. Five images, four forked children
 * (each execs at once, making no instrumented call before exec).
 * Output: "exec_chain 0" ... "exec_chain 4", exit status 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE void leaf(void) { sink = sink + 1; }
NOINLINE void work(void) {
  leaf();
  leaf();
  leaf();
}

int main(int argc, char** argv) {
  int level = argc > 1 ? atoi(argv[1]) : 4;
  work();
  int ok = 1;
  if (level > 0) {
    char next[16];
    snprintf(next, sizeof next, "%d", level - 1);
    pid_t pid = fork();
    if (pid == 0) {
      execl("/proc/self/exe", argv[0], next, (char*)NULL);
      _exit(127);
    }
    int status = 1;
    waitpid(pid, &status, 0);
    ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  printf("exec_chain %d\n", level);
  return ok ? 0 : 1;
}
