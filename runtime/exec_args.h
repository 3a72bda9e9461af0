// The execl family takes its arguments as varargs: FNPROF_COLLECT_ARGS
// gathers them into `argv` on the stack (no malloc: this may run in a vfork
// child), for the interposers of execl, execlp and execle to call execv*.
// FNPROF_EXECL_FAMILY defines those three interposers; lifecycle.cpp and
// alloc/exit_interposer.cpp each expand it next to their own execv*, which
// the calls resolve to.
#pragma once

#include <stdarg.h>
#include <stddef.h>

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
