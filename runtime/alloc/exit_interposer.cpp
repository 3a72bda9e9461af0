// _exit, _Exit and the exec family, interposed by libfnprof_alloc.so so that
// a preloaded run writes its dump on every way out.
//
// libfnprof.so interposes them itself (lifecycle.cpp), but its definitions
// only win when it precedes libc in the symbol lookup, as when the program
// is linked with it. Preloaded, this library comes first, and libfnprof.so,
// one of its dependencies, comes after libc (the loader appends a preload's
// dependencies after the program's): a program that ends in _exit (dash
// does, after its last command) or replaces itself with exec would call
// libc's directly and leave no dump. So these have libfnprof.so write the
// dump (runtime_api.h), then forward to the next definition: libc's, or
// libfnprof.so's when the program is linked with it, which then writes
// nothing twice (the final dump is written once; the exec dump is marked
// on the thread).
#include <dlfcn.h>
#include <limits.h>

#include "../exec_interpose.h"
#include "../compiler.h"
#include "../runtime_api.h"

namespace {

struct Next {
  void (*exit_)(int);
  int (*execve)(const char*, char* const*, char* const*);
  int (*execv)(const char*, char* const*);
  int (*execvp)(const char*, char* const*);
  int (*execvpe)(const char*, char* const*, char* const*);
  int (*fexecve)(int, char* const*, char* const*);
};
constinit Next g_next{};

template <class Fn>
Fn next(Fn& fn, const char* name) {
  if (!fn) fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
  return fn;
}

// Resolved at load, so that a vfork child calling exec or _exit does not run
// dlsym in the parent's memory; lazily for a call before that.
__attribute__((constructor)) void resolve_at_load() {
  next(g_next.exit_, "_exit");
  next(g_next.execve, "execve");
  next(g_next.execv, "execv");
  next(g_next.execvp, "execvp");
  next(g_next.execvpe, "execvpe");
  next(g_next.fexecve, "fexecve");
}

}  // namespace

extern "C" {

FNPROF_EXPORT __attribute__((noreturn)) void _exit(int status) {
  fnprof_rt_exit_dump();
  next(g_next.exit_, "_exit")(status);
  __builtin_unreachable();
}

FNPROF_EXPORT __attribute__((noreturn)) void _Exit(int status) { _exit(status); }

FNPROF_EXPORT int execve(const char* path, char* const argv[], char* const envp[]) {
  ExecDump dump;
  return dump.failed(next(g_next.execve, "execve")(path, argv, envp));
}

FNPROF_EXPORT int execv(const char* path, char* const argv[]) {
  ExecDump dump;
  return dump.failed(next(g_next.execv, "execv")(path, argv));
}

FNPROF_EXPORT int execvp(const char* file, char* const argv[]) {
  ExecDump dump;
  return dump.failed(next(g_next.execvp, "execvp")(file, argv));
}

FNPROF_EXPORT int execvpe(const char* file, char* const argv[], char* const envp[]) {
  ExecDump dump;
  return dump.failed(next(g_next.execvpe, "execvpe")(file, argv, envp));
}

FNPROF_EXPORT int fexecve(int fd, char* const argv[], char* const envp[]) {
  ExecDump dump;
  return dump.failed(next(g_next.fexecve, "fexecve")(fd, argv, envp));
}

FNPROF_EXECL_FAMILY

}  // extern "C"
