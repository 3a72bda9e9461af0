#include "lifecycle.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>

#include "api/api.h"
#include "compiler.h"
#include "dump_writer.h"
#include "exec_interpose.h"
#include "module_map.h"
#include "next_symbol.h"
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
  dump_writer_after_fork();
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

// Set while an exec of this thread has written its dump: an exec
// interposer further down the chain (libfnprof_alloc.so's forwards to this
// library's) must not write it again.
__thread bool tls_exec_dumped;

}  // namespace

bool write_exec_dump(char* path, size_t size) {
  if (tls_exec_dumped || !process_ready() || !is_profiled_process()) return false;
  tls_exec_dumped = write_dump(format::DumpReason::Exec, 0, false, path, size);
  return tls_exec_dumped;
}

void exec_failed(const char* path) {
  int saved = errno;
  unlink(path);
  tls_exec_dumped = false;
  errno = saved;
}

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
  static constinit NextSymbol<void (*)(int)> real{"_exit"};
  final_dump(fnprof::format::DumpReason::Exit, 0, false);
  real.get()(status);
  __builtin_unreachable();
}

FNPROF_EXPORT __attribute__((noreturn)) void _Exit(int status) { _exit(status); }

FNPROF_EXPORT int execve(const char* path, char* const argv[], char* const envp[]) {
  static constinit NextSymbol<int (*)(const char*, char* const*, char* const*)> real{"execve"};
  ExecDump dump;
  return dump.failed(real.get()(path, argv, envp));
}

FNPROF_EXPORT int execv(const char* path, char* const argv[]) {
  static constinit NextSymbol<int (*)(const char*, char* const*)> real{"execv"};
  ExecDump dump;
  return dump.failed(real.get()(path, argv));
}

FNPROF_EXPORT int execvp(const char* file, char* const argv[]) {
  static constinit NextSymbol<int (*)(const char*, char* const*)> real{"execvp"};
  ExecDump dump;
  return dump.failed(real.get()(file, argv));
}

FNPROF_EXPORT int execvpe(const char* file, char* const argv[], char* const envp[]) {
  static constinit NextSymbol<int (*)(const char*, char* const*, char* const*)> real{"execvpe"};
  ExecDump dump;
  return dump.failed(real.get()(file, argv, envp));
}

FNPROF_EXPORT int fexecve(int fd, char* const argv[], char* const envp[]) {
  static constinit NextSymbol<int (*)(int, char* const*, char* const*)> real{"fexecve"};
  ExecDump dump;
  return dump.failed(real.get()(fd, argv, envp));
}

}  // extern "C"

extern "C" {

FNPROF_EXECL_FAMILY

}  // extern "C"
