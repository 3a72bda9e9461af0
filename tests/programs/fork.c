/* fork: parent and child each make known calls after the fork. The child
 * returns from main normally (so at-exit dump writers run in it too); the
 * parent waits for it and exits 0 only if the child exited 0.
 *
 *   before the fork: main -> before_fork x3 -> leaf x1 each
 *   parent after:    main -> parent_work x1 -> leaf x7
 *   child after:     main -> child_work x1 -> leaf x5
 *
 * Parent process, expected calls: main 1, before_fork 3, parent_work 1, leaf 10
 *   edges: <root>->main 1, main->before_fork 3, before_fork->leaf 3,
 *          main->parent_work 1, parent_work->leaf 7
 * Child process, calls made in the child only: child_work 1, leaf 5
 *   edges: main->child_work 1, child_work->leaf 5
 * Child process including what it inherited from before the fork (what the
 * counting hooks report: their memory is copied by fork):
 *   main 1, before_fork 3, child_work 1, leaf 8; edges <root>->main 1,
 *   main->before_fork 3, before_fork->leaf 3, main->child_work 1,
 *   child_work->leaf 5
 * Output: "fork child" (child), "fork parent child-status 0" (parent).
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE void leaf(void) { sink = sink + 1; }
NOINLINE void before_fork(void) { leaf(); }
NOINLINE void parent_work(void) {
  for (int i = 0; i < 7; ++i) leaf();
}
NOINLINE void child_work(void) {
  for (int i = 0; i < 5; ++i) leaf();
}

int main(void) {
  for (int i = 0; i < 3; ++i) before_fork();
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return perror("fork"), 2;
  if (pid == 0) {
    child_work();
    printf("fork child\n");
    return 0;
  }
  parent_work();
  int status = 0;
  waitpid(pid, &status, 0);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  printf("fork parent child-status %d\n", code);
  return code == 0 ? 0 : 1;
}
