#include "process.h"

#include "probe_cost.h"

#include <fcntl.h>
#include <sys/auxv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lifecycle.h"
#include "memory.h"
#include "blocking_calls.h"
#include "module_map.h"
#include "probe_cost.h"
#include "thread_registry.h"

namespace fnprof::rt {

Process g_process;

namespace {

enum State { kUninitialized, kInitializing, kReady };
std::atomic<int> g_state{kUninitialized};
std::atomic<bool> g_warned{false};

uint64_t realtime_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + ts.tv_nsec;
}

void read_cmdline() {
  constexpr size_t kMax = 1 << 20;
  g_process.cmdline = static_cast<char*>(map_memory(kMax));
  g_process.cmdline_size = 0;
  int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || !g_process.cmdline) return;
  ssize_t n;
  while (g_process.cmdline_size < kMax &&
         (n = read(fd, g_process.cmdline + g_process.cmdline_size, kMax - g_process.cmdline_size)) > 0)
    g_process.cmdline_size += static_cast<size_t>(n);
  close(fd);
  // Arguments are NUL-terminated; the format separates them instead.
  if (g_process.cmdline_size && g_process.cmdline[g_process.cmdline_size - 1] == '\0')
    --g_process.cmdline_size;
}

// Under AT_SECURE the environment and the working directory are the
// unprivileged user's choice, and a dump is a file created with the
// program's privileges holding the user's arguments: FNPROF_OUTPUT would let
// the user create it in any directory (glibc ignores its own variables that
// name a path there, and ld.so drops them), and so would the default, the
// directory the user ran it from. So no dump is written at all, and the first
// attempt says why (dump_writer.cpp).
void read_settings() {
  g_process.secure = getauxval(AT_SECURE) != 0;
  if (g_process.secure) return;
  const char* dir = getenv("FNPROF_OUTPUT");
  if (!dir || !*dir) dir = ".";
  // Resolved now: the program may chdir before the dump is written.
  if (dir[0] == '/' || !getcwd(g_process.output_dir, sizeof g_process.output_dir)) {
    strncpy(g_process.output_dir, dir, sizeof g_process.output_dir - 1);
  } else if (strcmp(dir, ".") != 0) {
    size_t len = strlen(g_process.output_dir);
    snprintf(g_process.output_dir + len, sizeof g_process.output_dir - len, "/%s", dir);
  }
}

void identify_process() {
  g_process.pid = getpid();
  g_process.ppid = getppid();
  g_process.start = clock_now();
  g_process.start_unix_ns = realtime_ns();
}

}  // namespace

void process_init() {
  int expected = kUninitialized;
  if (!g_state.compare_exchange_strong(expected, kInitializing, std::memory_order_acquire)) {
    while (g_state.load(std::memory_order_acquire) != kReady) sched_yield();
    return;
  }
  clock_init();
  identify_process();
  ssize_t n = readlink("/proc/self/exe", g_process.exe, sizeof g_process.exe - 1);
  g_process.exe[n > 0 ? n : 0] = '\0';
  const char* slash = strrchr(g_process.exe, '/');
  g_process.program = slash ? slash + 1 : g_process.exe;
  read_cmdline();
  read_settings();
  module_map_init(g_process.exe);
  blocking_calls_init();
  thread_registry_init();
  probe_cost_measure();
  lifecycle_init();
  g_state.store(kReady, std::memory_order_release);
}

bool process_ready() { return g_state.load(std::memory_order_acquire) == kReady; }

void process_after_fork() {
  identify_process();
  threads_after_fork(g_process.start.ticks);
}

void warn_once(const char* message, const char* detail) {
  if (g_warned.exchange(true)) return;
  // write(2), not stdio: this may run in a signal handler or at exit, after
  // the program closed or redirected its streams.
  const char* parts[] = {"fnprof: ", message, detail, "\n"};
  for (const char* p : parts) {
    size_t left = strlen(p);
    while (left) {
      ssize_t w = write(STDERR_FILENO, p, left);
      if (w <= 0) return;
      p += w, left -= static_cast<size_t>(w);
    }
  }
}

}  // namespace fnprof::rt
