/* Ends without returning from main, the ways a shell does (dash calls _exit
   after its last command and execs the last one of `sh -c`):
     exits _exit   leaks 100 bytes from leak_before_exit, then _exit(0)
     exits exec    leaks 200 bytes from leak_before_exec, then execv
                   /bin/true (argv[2] when given)
   Under the tracker, each must write a dump holding its leak: reason Exit
   for _exit, Exec for exec (and /bin/true writes its own). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_program.h"

NOINLINE static void leak_before_exit(void) { void* p = malloc(100); ESCAPE(p); }
NOINLINE static void leak_before_exec(void) { void* p = malloc(200); ESCAPE(p); }

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "_exit") == 0) {
    leak_before_exit();
    say("exiting");
    _exit(0);
  }
  if (argc > 1 && strcmp(argv[1], "exec") == 0) {
    leak_before_exec();
    char* const args[] = {(char*)"true", NULL};
    execv(argc > 2 ? argv[2] : "/bin/true", args);
    say("exec failed");
    return 1;
  }
  say("usage: exits _exit|exec");
  return 2;
}
