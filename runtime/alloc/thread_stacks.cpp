// The other threads' stack pointers and stacks, from /proc; thread_stacks.h
// says what the kernel tells and what it does not.
#include "thread_stacks.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../text.h"
#include "arena.h"

namespace fnprof::alloc {

namespace {

constexpr size_t kMaxThreads = size_t{1} << 16;  // reserved, touched only as far as used

// A thread that says "running" may only be runnable, or on its way into a
// system call (woken, about to wait again): it is asked again, up to this
// many times, a millisecond apart, while some thread still says so. A thread
// that really computes costs the scan these 20 ms at most, all of them
// together.
constexpr int kRunningRetries = 20;

// A number in decimal or 0x hexadecimal at *p, which moves past it and the
// blank after it; false when there is none.
bool next_number(const char*& p, const char* end, uint64_t* value) {
  while (p < end && *p == ' ') ++p;
  bool negative = p < end && *p == '-';
  if (negative) ++p;
  int base = 10;
  if (end - p > 2 && p[0] == '0' && p[1] == 'x') base = 16, p += 2;
  uint64_t v = 0;
  const char* first = p;
  for (; p < end; ++p) {
    int d = *p >= '0' && *p <= '9' ? *p - '0' : base == 16 && *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
    if (d < 0) break;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  *value = negative ? ~v + 1 : v;
  return p != first;
}

uint64_t hex_number(const char*& p, const char* end) {
  uint64_t v = 0;
  for (; p < end && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')); ++p)
    v = v * 16 + static_cast<uint64_t>(*p <= '9' ? *p - '0' : *p - 'a' + 10);
  return v;
}

// /proc/self/task/TID/syscall: "running", or "-1 SP PC" (blocked outside a
// system call), or "NR A1 ... A6 SP PC".
void read_stack_pointer(OtherThread& t) {
  rt::Text path;
  path << "/proc/self/task/" << t.tid << "/syscall";
  char text[256];
  int fd = open(path.s, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t got = read(fd, text, sizeof text);
  close(fd);
  t.running = got > 0 && text[0] == 'r';
  if (got <= 0 || t.running) return;
  const char* p = text;
  const char* end = text + got;
  uint64_t nr;
  if (!next_number(p, end, &nr)) return;
  t.in_syscall = nr != UINT64_MAX;
  if (t.in_syscall)
    for (uint64_t& a : t.args)
      if (!next_number(p, end, &a)) return;
  uint64_t sp;
  if (!next_number(p, end, &sp)) return;
  t.stack_pointer = sp;
  t.blocked = true;
}

// One pass over /proc/self/maps: each blocked thread's stack is the mapping
// holding its stack pointer.
void find_stacks(OtherThreads& threads) {
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char buffer[4096];
  size_t kept = 0;
  for (;;) {
    ssize_t got = read(fd, buffer + kept, sizeof buffer - kept);
    if (got <= 0) break;
    size_t size = kept + static_cast<size_t>(got), line = 0;
    for (size_t i = 0; i < size; ++i) {
      if (buffer[i] != '\n') continue;
      // "LO-HI perms ...", the addresses in bare hexadecimal.
      const char* p = buffer + line;
      uint64_t lo = hex_number(p, buffer + i);
      if (p < buffer + i && *p == '-') {
        uint64_t hi = hex_number(++p, buffer + i);
        for (size_t k = 0; k < threads.count; ++k) {
          OtherThread& t = threads.threads[k];
          if (t.blocked && t.stack_pointer - lo < hi - lo) t.stack_lo = lo, t.stack_hi = hi;
        }
      }
      line = i + 1;
    }
    kept = size - line;
    for (size_t k = 0; k < kept; ++k) buffer[k] = buffer[line + k];
    if (kept == sizeof buffer) kept = 0;  // no line is this long
  }
  close(fd);
}

}  // namespace

bool read_other_threads(OtherThreads* out) {
  *out = OtherThreads{};
  int dir = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  out->bytes = (kMaxThreads * sizeof(OtherThread) + 4095) & ~size_t{4095};
  out->threads = static_cast<OtherThread*>(reserve(out->bytes));
  if (!out->threads) {
    close(dir);
    return false;
  }
  const uint64_t self = static_cast<uint64_t>(gettid());
  alignas(dirent64) char entries[4096];
  ssize_t got;
  while ((got = getdents64(dir, entries, sizeof entries)) > 0) {
    for (ssize_t at = 0; at < got;) {
      const auto* e = reinterpret_cast<const dirent64*>(entries + at);
      at += e->d_reclen;
      uint64_t tid = 0;
      const char* p = e->d_name;
      if (*p < '0' || *p > '9') continue;
      for (; *p >= '0' && *p <= '9'; ++p) tid = tid * 10 + static_cast<uint64_t>(*p - '0');
      if (tid == self || out->count == kMaxThreads) continue;
      OtherThread& t = out->threads[out->count++];
      t = OtherThread{};
      t.tid = tid;
      read_stack_pointer(t);
    }
  }
  close(dir);
  for (int retry = 0; retry < kRunningRetries; ++retry) {
    bool running = false;
    for (size_t k = 0; k < out->count; ++k) running = running || out->threads[k].running;
    if (!running) break;
    timespec pause{0, 1'000'000};
    syscall(SYS_nanosleep, &pause, nullptr);  // not nanosleep(): the program may interpose it
    for (size_t k = 0; k < out->count; ++k)
      if (out->threads[k].running) read_stack_pointer(out->threads[k]);
  }
  find_stacks(*out);
  return true;
}

void release_other_threads(OtherThreads* threads) {
  if (threads->threads) release(threads->threads, threads->bytes);
  *threads = OtherThreads{};
}

}  // namespace fnprof::alloc
