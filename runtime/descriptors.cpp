#include "descriptors.h"

#define UNW_LOCAL_ONLY
#include <errno.h>
#include <fcntl.h>
#include <libunwind.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

#include "process.h"

namespace fnprof::rt {

int descriptor_base() {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= 1024) return 900;
  int soft = static_cast<int>(limit.rlim_cur);
  return soft > 64 ? soft - 32 : soft / 2;
}

int move_high(int fd) {
  if (fd < 0 || fd >= descriptor_base()) return fd;
  int high = fcntl(fd, F_DUPFD_CLOEXEC, descriptor_base());
  if (high < 0) return fd;
  close(fd);
  return high;
}

bool same_file(int fd, dev_t dev, ino_t ino) {
  struct stat st;
  return fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

namespace {

// libunwind 1.6 (bookworm's; x86-64 Ginit.c) checks each address it reads
// while stepping by write(2)-ing one byte from it into a pipe of its own,
// made by its first unw_init_local with pipe2(), so at the two lowest free
// numbers. It keeps those numbers. When a read from them fails (the program
// closed them) it closes both and makes a new pipe, again at the lowest
// numbers: 0 and 1 in a program that closed everything; and meanwhile it
// reads from and writes to whatever the program opened there. Nothing in its
// API turns the check off or chooses the numbers (unw_set_caching_policy and
// UNW_INIT_SIGNAL_FRAME are about other things), and making the pipe after
// the program closed it is the bug itself. So the runtime initializes
// libunwind first, before main (the tracker's constructor; libfnprof.so
// alone at its first captured stack), with every number below
// descriptor_base() taken for that moment by a copy of /dev/null: the pipe
// lands high, and stays there:
//  - before each unwind, both numbers are checked to still hold that pipe;
//  - closed by the program, the pipe is made again at the same numbers, on
//    the thread about to unwind (its new ends sit at low numbers between two
//    system calls of a thread that is inside malloc or an fnprof call, not
//    in the program's open());
//  - taken by the program (dup2, or its 900th open file), libunwind is not
//    called again, and the runtime says so.
// A program that initialized libunwind itself first owns the pipe: it is left
// alone, as before.
enum State { kNone, kBusy, kOurs, kNotOurs, kUnusable };
std::atomic<int> g_state{kNone};
std::atomic<bool> g_restoring{false};
int g_pipe[2] = {-1, -1};
dev_t g_dev;
ino_t g_ino;

bool record_pipe() {
  struct stat st;
  if (fstat(g_pipe[0], &st) != 0 || !S_ISFIFO(st.st_mode)) return false;
  g_dev = st.st_dev, g_ino = st.st_ino;
  return same_file(g_pipe[1], g_dev, g_ino);
}

State init_unwinder() {
  static int taken[1024];
  int n = 0;
  int base = descriptor_base();
  int seed = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (seed < 0) return kNotOurs;
  taken[n++] = seed;
  // The two lowest free numbers from the base are the pipe's: everything
  // below them is taken, so pipe2() gets exactly them once they are freed.
  int high[2] = {-1, -1}, highs = seed >= base ? 1 : 0;
  if (highs) high[0] = seed;
  while (highs < 2 && n < 1024) {
    int fd = fcntl(seed, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) break;
    taken[n++] = fd;
    if (fd >= base) high[highs++] = fd;
  }
  State state = kNotOurs;
  if (highs == 2) {
    close(high[1]);
    close(high[0]);
    unw_context_t context;
    unw_cursor_t cursor;
    g_pipe[0] = high[0], g_pipe[1] = high[1];
    if (unw_getcontext(&context) == 0 && unw_init_local(&cursor, &context) == 0 && record_pipe()) state = kOurs;
  }
  // The two high ones were freed for the pipe already.
  for (int i = 0; i < n; ++i)
    if (highs < 2 || (taken[i] != high[0] && taken[i] != high[1])) close(taken[i]);
  return state;
}

bool closed(int fd) { return fcntl(fd, F_GETFD) < 0 && errno == EBADF; }

// Both ends are each ours or closed: a new pipe at their numbers.
bool restore_pipe() {
  if (g_restoring.exchange(true, std::memory_order_acquire)) return false;
  int p[2];
  bool ok = pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0;
  if (ok) {
    // pipe2 returns p[0] < p[1], as g_pipe[0] < g_pipe[1]: moving the write
    // end first when it sits at the read end's target keeps both.
    const bool write_first = p[1] == g_pipe[0];
    const int order[2] = {write_first ? 1 : 0, write_first ? 0 : 1};
    for (int end : order)
      if (p[end] != g_pipe[end]) ok = dup3(p[end], g_pipe[end], O_CLOEXEC) == g_pipe[end] && ok;
    for (int end : order)
      if (p[end] != g_pipe[0] && p[end] != g_pipe[1]) close(p[end]);
    ok = ok && record_pipe();
  }
  g_restoring.store(false, std::memory_order_release);
  return ok;
}

}  // namespace

bool unwinder_ready() {
  int state = g_state.load(std::memory_order_acquire);
  if (state == kNone && g_state.compare_exchange_strong(state, kBusy, std::memory_order_acquire)) {
    state = init_unwinder();
    g_state.store(state, std::memory_order_release);
  }
  if (state == kNotOurs) return true;
  if (state != kOurs) return false;  // kBusy: another thread, or a signal handler interrupting it
  const bool ours[2] = {same_file(g_pipe[0], g_dev, g_ino), same_file(g_pipe[1], g_dev, g_ino)};
  if (ours[0] && ours[1]) return true;
  if ((ours[0] || closed(g_pipe[0])) && (ours[1] || closed(g_pipe[1]))) return restore_pipe();
  g_state.store(kUnusable, std::memory_order_release);
  warn_once("the program opened a descriptor where libunwind keeps its pipe: ",
            "stacks are no longer unwound");
  return false;
}

}  // namespace fnprof::rt
