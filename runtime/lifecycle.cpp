#include "export.h"
#include "lifecycle.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>

#include "api/api.h"
#include "dump_writer.h"
#include "module_map.h"
#include "process.h"

namespace fnprof::rt {

namespace {

std::atomic<bool> g_final_dump_written{false};

// A vfork child (or a raw clone) shares the parent's memory and ran no
// pthread_atfork handler: it must not write the parent's profile as its own.
bool is_profiled_process() { return getpid() == g_process.pid; }

void after_fork_in_child() {
  module_map_after_fork();
  process_after_fork();
  g_final_dump_written.store(false);
}

// Only signals whose default action ends the process, and only while the
// program has not installed its own handler: then the program decides.
constexpr int kDumpSignals[] = {SIGINT, SIGTERM};

void on_terminating_signal(int sig) {
  final_dump(format::DumpReason::Signal, sig, true);
  // Now the default action, as if fnprof were not there: the signal is blocked
  // while this handler runs and is delivered again when it returns.
  signal(sig, SIG_DFL);
  raise(sig);
}

void install_signal_handlers() {
  for (int sig : kDumpSignals) {
    struct sigaction old{};
    if (sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue;
    struct sigaction sa{};
    sa.sa_handler = on_terminating_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(sig, &sa, nullptr);
  }
}

void at_quick_exit_dump() { final_dump(format::DumpReason::Exit, 0, false); }

// The destructor of libfnprof.so runs in _dl_fini, after the program's atexit
// handlers and static destructors, so their calls are in the profile.
__attribute__((destructor)) void at_exit_dump() { final_dump(format::DumpReason::Exit, 0, false); }

__attribute__((constructor)) void at_load() { process_init(); }

template <class Fn>
Fn next_symbol(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

// Before exec replaces the image: the data so far. If exec fails the program
// goes on and writes everything at exit: this dump must then go, or its calls
// would be counted twice.
class ExecDump {
 public:
  ExecDump() {
    if (process_ready() && is_profiled_process())
      written_ = write_dump(format::DumpReason::Exec, 0, false, path_, sizeof path_);
  }
  int failed(int result) {
    int saved = errno;
    if (written_) unlink(path_);
    errno = saved;
    return result;
  }

 private:
  bool written_ = false;
  char path_[PATH_MAX + 64];
};

}  // namespace

void final_dump(format::DumpReason reason, int signal, bool in_handler) {
  if (!process_ready() || !is_profiled_process()) return;
  if (g_final_dump_written.exchange(true)) return;
  char path[PATH_MAX + 64];
  if (write_dump(reason, signal, in_handler, path, sizeof path) && !in_handler)
    api::print_exit_summary(path);  // when FNPROF_SUMMARY=1
}

void lifecycle_init() {
  pthread_atfork(nullptr, nullptr, after_fork_in_child);
  install_signal_handlers();
  at_quick_exit(at_quick_exit_dump);
}

}  // namespace fnprof::rt

using namespace fnprof::rt;

// ---- Interposed libc entry points ----------------------------------------
// libfnprof.so precedes libc in the program's symbol lookup order, so these
// definitions win; each forwards to the next definition (libc's).

extern "C" {

FNPROF_EXPORT __attribute__((noreturn)) void _exit(int status) {
  static auto real = next_symbol<void (*)(int)>("_exit");
  final_dump(fnprof::format::DumpReason::Exit, 0, false);
  real(status);
  __builtin_unreachable();
}

FNPROF_EXPORT __attribute__((noreturn)) void _Exit(int status) { _exit(status); }

FNPROF_EXPORT int execve(const char* path, char* const argv[], char* const envp[]) {
  static auto real = next_symbol<int (*)(const char*, char* const*, char* const*)>("execve");
  ExecDump dump;
  return dump.failed(real(path, argv, envp));
}

FNPROF_EXPORT int execv(const char* path, char* const argv[]) {
  static auto real = next_symbol<int (*)(const char*, char* const*)>("execv");
  ExecDump dump;
  return dump.failed(real(path, argv));
}

FNPROF_EXPORT int execvp(const char* file, char* const argv[]) {
  static auto real = next_symbol<int (*)(const char*, char* const*)>("execvp");
  ExecDump dump;
  return dump.failed(real(file, argv));
}

FNPROF_EXPORT int execvpe(const char* file, char* const argv[], char* const envp[]) {
  static auto real = next_symbol<int (*)(const char*, char* const*, char* const*)>("execvpe");
  ExecDump dump;
  return dump.failed(real(file, argv, envp));
}

FNPROF_EXPORT int fexecve(int fd, char* const argv[], char* const envp[]) {
  static auto real = next_symbol<int (*)(int, char* const*, char* const*)>("fexecve");
  ExecDump dump;
  return dump.failed(real(fd, argv, envp));
}

}  // extern "C"

// The execl family takes its arguments as varargs: gather them into an argv
// on the stack (no malloc: this may run in a vfork child) and use execv*.
#define FNPROF_COLLECT_ARGS(first, extra_envp)                  \
  va_list ap;                                                   \
  va_start(ap, first);                                          \
  size_t argc = 1;                                              \
  {                                                             \
    va_list count;                                              \
    va_copy(count, ap);                                         \
    while (va_arg(count, char*)) ++argc;                        \
    va_end(count);                                              \
  }                                                             \
  char** argv = static_cast<char**>(__builtin_alloca((argc + 1) * sizeof(char*))); \
  argv[0] = const_cast<char*>(first);                           \
  for (size_t i = 1; i <= argc; ++i) argv[i] = va_arg(ap, char*); \
  extra_envp;                                                   \
  va_end(ap)

extern "C" {

FNPROF_EXPORT int execl(const char* path, const char* arg, ...) {
  FNPROF_COLLECT_ARGS(arg, (void)0);
  return execv(path, argv);
}

FNPROF_EXPORT int execlp(const char* file, const char* arg, ...) {
  FNPROF_COLLECT_ARGS(arg, (void)0);
  return execvp(file, argv);
}

FNPROF_EXPORT int execle(const char* path, const char* arg, ...) {
  char* const* envp;
  FNPROF_COLLECT_ARGS(arg, envp = va_arg(ap, char* const*));
  return execve(path, argv, envp);
}

}  // extern "C"
