// The execl family takes its arguments as varargs: FNPROF_COLLECT_ARGS
// gathers them into `argv` on the stack (no malloc: this may run in a vfork
// child), for the interposers of execl, execlp and execle to call execv*
// (lifecycle.cpp, alloc/exit_interposer.cpp).
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
