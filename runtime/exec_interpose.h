// What the exec interposers of lifecycle.cpp (an instrumented program) and
// alloc/exit_interposer.cpp (the preloaded tracker) share: ExecDump around
// each exec* call, and the execl family, whose arguments come as varargs:
// FNPROF_COLLECT_ARGS gathers them into `argv` on the stack (no malloc: this
// may run in a vfork child), and FNPROF_EXECL_FAMILY defines execl, execlp
// and execle over the file's own execv*, which the calls resolve to.
#pragma once

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>

#include "runtime_api.h"

// Around an exec* call: the constructor writes the dump (the data gathered so
// far must not be lost with the old image); failed() takes it back when the
// exec returned, so that everything is written at exit instead.
class ExecDump {
 public:
  ExecDump() { written_ = fnprof_rt_exec_dump(path_, sizeof path_); }
  int failed(int result) {
    if (written_) fnprof_rt_exec_failed(path_);
    return result;
  }

 private:
  bool written_ = false;
  char path_[PATH_MAX + 64];
};

#define FNPROF_COLLECT_ARGS(first, extra_envp)                                    \
  va_list ap;                                                                     \
  va_start(ap, first);                                                            \
  size_t argc = 1;                                                                \
  {                                                                               \
    va_list count;                                                                \
    va_copy(count, ap);                                                           \
    while (va_arg(count, char*)) ++argc;                                          \
    va_end(count);                                                                \
  }                                                                               \
  char** argv = static_cast<char**>(__builtin_alloca((argc + 1) * sizeof(char*))); \
  argv[0] = const_cast<char*>(first);                                             \
  for (size_t i = 1; i <= argc; ++i) argv[i] = va_arg(ap, char*);                 \
  extra_envp;                                                                     \
  va_end(ap)


#define FNPROF_EXECL_FAMILY                                            \
  FNPROF_EXPORT int execl(const char* path, const char* arg, ...) {    \
    FNPROF_COLLECT_ARGS(arg, (void)0);                                 \
    return execv(path, argv);                                          \
  }                                                                    \
  FNPROF_EXPORT int execlp(const char* file, const char* arg, ...) {   \
    FNPROF_COLLECT_ARGS(arg, (void)0);                                 \
    return execvp(file, argv);                                         \
  }                                                                    \
  FNPROF_EXPORT int execle(const char* path, const char* arg, ...) {   \
    char* const* envp;                                                 \
    FNPROF_COLLECT_ARGS(arg, envp = va_arg(ap, char* const*));         \
    return execve(path, argv, envp);                                   \
  }
