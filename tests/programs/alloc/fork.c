/* A fork child gets a dump of its own, starting from nothing.
   Parent: parent_leak  malloc(111), never freed; parent_shared malloc(64)
           freed by both processes (each its own copy).
           Parent dump (program sites): parent_leak 1 alloc 111 bytes live,
           parent_shared 1 alloc 1 free, a temporary (the parent allocates
           nothing between them).
   Child:  child_leak malloc(222) never freed; frees parent_shared's block,
           which the child's tracker never saw allocated (untracked_frees
           >= 1). Child dump: child_leak only (1 alloc, 222 bytes live); no
           parent site. */
#include <stdlib.h>
#include <sys/wait.h>

#include "alloc_program.h"

NOINLINE static void* parent_leak(void) { void* p = malloc(111); ESCAPE(p); return p; }
NOINLINE static void* parent_shared(void) { void* p = malloc(64); ESCAPE(p); return p; }
NOINLINE static void* child_leak(void) { void* p = malloc(222); ESCAPE(p); return p; }

int main(void) {
  ESCAPE(parent_leak());
  void* shared = parent_shared();
  pid_t pid = fork();
  if (pid == 0) {
    ESCAPE(child_leak());
    free(shared);
    say("child done");
    return 0;
  }
  int status;
  waitpid(pid, &status, 0);
  free(shared);
  say("parent done");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
