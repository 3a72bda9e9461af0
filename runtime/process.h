// What the runtime knows about the process as a whole: identity, command
// line, start time and settings. Filled in once by process_init() (and again
// in a fork child), read by the dump writer.
#pragma once

#include <limits.h>
#include <sys/types.h>

#include <atomic>
#include <cstddef>

#include "clock.h"

namespace fnprof::rt {

struct Process {
  pid_t pid;
  pid_t ppid;
  ClockPoint start;
  uint64_t start_unix_ns;
  char exe[PATH_MAX];
  const char* program;  // basename of exe
  char* cmdline;        // NUL-separated arguments (mmap'd)
  size_t cmdline_size;
  char output_dir[PATH_MAX];  // FNPROF_OUTPUT, default "."
  // AT_SECURE: the program runs with privileges its user lacks (setuid,
  // setgid, file capabilities). Then no dump is written (process.cpp).
  bool secure;
};

extern Process g_process;

// Idempotent and thread-safe: the first hook may run before the library's
// constructor (instrumented code in another library's constructor).
void process_init();
bool process_ready();
// Starts a fresh profile in a fork child.
void process_after_fork();

// Writes one line "fnprof: <message>" to stderr, at most once per process.
void warn_once(const char* message, const char* detail);

}  // namespace fnprof::rt
