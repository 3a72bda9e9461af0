// The resource sampler: a background thread that records, every
// FNPROF_SAMPLE_INTERVAL (100 ms by default, 0: off), the process's CPU time,
// RSS, page faults, context switches, I/O bytes and thread count, the
// system's CPU and memory use, and the values of the first counters; and that
// writes a dump every FNPROF_FLUSH_INTERVAL seconds when set.
//
// The thread is the runtime's own: never instrumented, never given a
// ThreadState (it calls no instrumented code), all signals blocked, detached
// and never joined, so exit does not wait for it. Samples hold cumulative
// values in a mapping reserved once; when it fills up, every other sample is
// dropped and the interval doubles, so a run of any length keeps an even
// timeline. A sequence count (odd while compacting) lets the dump writer on
// another thread take a consistent copy.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../clock.h"
#include "../descriptors.h"
#include "../dump_buffer.h"
#include "../dump_writer.h"
#include "../memory.h"
#include "../process.h"
#include "../runtime_api.h"
#include "api_state.h"

namespace fnprof::rt::api {

constinit SamplerSettings g_sampler_settings;

namespace {

constexpr uint32_t kMaxSamples = 1u << 15;
constexpr uint32_t kSampledCounters = 16;

struct Sample {
  uint64_t ticks;
  uint64_t user_us, system_us;
  uint64_t rss_bytes;
  uint64_t minor_faults, major_faults;
  uint64_t voluntary_switches, involuntary_switches;
  uint64_t read_bytes, write_bytes;
  uint64_t threads;
  uint64_t system_busy, system_total;  // jiffies
  uint64_t mem_available;
  uint32_t counter_count;
  int64_t counters[kSampledCounters];
};

// constinit: the API's constructor (control.cpp) may run before this file's
// dynamic initializers, which would then reset what it set up.
struct Timeline {
  Sample* samples = nullptr;
  std::atomic<uint32_t> count{0};
  std::atomic<uint64_t> sequence{0};  // odd while compacting
  std::atomic<uint64_t> stride{1};
  std::atomic<uint64_t> cpu_ns{0};    // the sampler's own CPU time, sampling only
  uint64_t mem_total = 0;
  bool running = false;
};
constinit Timeline g_timeline;

uint64_t page_size = 4096;

// The /proc files, kept open and read with pread: opening them each time
// and reading 5 files made a sample cost ~130 µs of CPU at 100 ms (every
// access on a cold cache), over the 0.1 % budget. They are opened before main
// (sampler_start, from the API's constructor) and moved out of the program's
// way (descriptors.h). When the program closes one (a daemon closing all its
// descriptors) it is not opened again: open() on this thread would take the
// program's next number at the moment its own open() expects it, and put
// back a descriptor it chose to close. The fields that file gave keep their
// last value (the samples are cumulative). A number the program reused is
// never read nor closed (pread moves no file offset, but the check comes
// first).
struct ProcFile {
  const char* path;
  int fd;
  dev_t dev;
  ino_t ino;
};
ProcFile g_files[] = {{"/proc/self/stat", -1, 0, 0}, {"/proc/self/io", -1, 0, 0}, {"/proc/stat", -1, 0, 0},
                      {"/proc/meminfo", -1, 0, 0}};
enum { kStat, kIo, kSystemStat, kMeminfo };

void open_files() {
  for (ProcFile& f : g_files) {
    f.fd = move_high(open(f.path, O_RDONLY | O_CLOEXEC));
    struct stat st;
    if (f.fd >= 0 && fstat(f.fd, &st) == 0) f.dev = st.st_dev, f.ino = st.st_ino;
    else f.fd = -1;
  }
}

ssize_t read_proc(int which, char* buf, size_t size) {
  ProcFile& f = g_files[which];
  if (f.fd >= 0 && !same_file(f.fd, f.dev, f.ino)) f.fd = -1;
  ssize_t n = f.fd >= 0 ? pread(f.fd, buf, size - 1, 0) : -1;
  buf[n > 0 ? n : 0] = '\0';
  return n;
}

// Fork child: the descriptors name the parent's /proc/self.
void forget_files() {
  for (ProcFile& f : g_files) {
    if (same_file(f.fd, f.dev, f.ino)) close(f.fd);
    f.fd = -1;
  }
}

uint64_t number_after(const char* text, const char* key) {
  const char* p = strstr(text, key);
  return p ? strtoull(p + strlen(key), nullptr, 10) : 0;
}

uint64_t thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + ts.tv_nsec;
}

// `s` holds the previous sample: what a file no longer read gave stays.
void take_sample(Sample& s) {
  s.ticks = read_ticks();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  s.user_us = static_cast<uint64_t>(ru.ru_utime.tv_sec) * 1000000 + ru.ru_utime.tv_usec;
  s.system_us = static_cast<uint64_t>(ru.ru_stime.tv_sec) * 1000000 + ru.ru_stime.tv_usec;
  s.minor_faults = ru.ru_minflt, s.major_faults = ru.ru_majflt;
  s.voluntary_switches = ru.ru_nvcsw, s.involuntary_switches = ru.ru_nivcsw;

  char buf[4096];
  if (read_proc(kStat, buf, sizeof buf) > 0) {
    // num_threads is field 20, rss (pages) field 24 (one file for both: each
    // /proc read costs ~15 µs on the cold cache of a sampler that slept).
    // Fields after the command name (which may hold spaces and parentheses)
    // start at field 3.
    const char* p = strrchr(buf, ')');
    for (int field = 2; p && field < 20; ++field) p = strchr(p + 1, ' ');
    if (p) s.threads = strtoull(p + 1, nullptr, 10);
    for (int field = 20; p && field < 24; ++field) p = strchr(p + 1, ' ');
    if (p) s.rss_bytes = strtoull(p + 1, nullptr, 10) * page_size;
  }
  // Bytes through read/write calls (rchar, wchar): storage I/O
  // (read_bytes) is 0 for anything the page cache serves.
  if (read_proc(kIo, buf, sizeof buf) > 0) {
    s.read_bytes = number_after(buf, "rchar:");
    s.write_bytes = number_after(buf, "wchar:");
  }
  if (read_proc(kSystemStat, buf, sizeof buf) > 0 && strncmp(buf, "cpu ", 4) == 0) {
    // user nice system idle iowait irq softirq steal (guest time is in user)
    char* p = buf + 4;
    uint64_t v[8] = {};
    for (uint64_t& x : v) x = strtoull(p, &p, 10);
    s.system_total = 0;
    for (uint64_t x : v) s.system_total += x;
    s.system_busy = s.system_total - v[3] - v[4];
  }
  if (read_proc(kMeminfo, buf, sizeof buf) > 0) {
    s.mem_available = number_after(buf, "MemAvailable:") * 1024;
    if (!g_timeline.mem_total) g_timeline.mem_total = number_after(buf, "MemTotal:") * 1024;
  }
  uint32_t n = counter_count();
  s.counter_count = n > kSampledCounters + 1 ? kSampledCounters : (n ? n - 1 : 0);
  for (uint32_t i = 0; i < s.counter_count; ++i) s.counters[i] = counter_value(i + 1);
}

// Keeps samples 0, 2, 4...: the interval doubles.
void compact() {
  uint32_t n = g_timeline.count.load(std::memory_order_relaxed);
  g_timeline.sequence.fetch_add(1, std::memory_order_acq_rel);
  for (uint32_t i = 1; 2 * i < n; ++i) g_timeline.samples[i] = g_timeline.samples[2 * i];
  g_timeline.count.store((n + 1) / 2, std::memory_order_relaxed);
  g_timeline.stride.store(g_timeline.stride.load() * 2, std::memory_order_relaxed);
  g_timeline.sequence.fetch_add(1, std::memory_order_release);
}

void add_timespec(timespec& t, uint64_t ns) {
  t.tv_sec += static_cast<time_t>(ns / 1000000000u);
  t.tv_nsec += static_cast<long>(ns % 1000000000u);
  if (t.tv_nsec >= 1000000000) t.tv_sec += 1, t.tv_nsec -= 1000000000;
}

bool before(const timespec& a, const timespec& b) {
  return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

// Whether the sampler is the process's last thread: the program's threads
// all ended, main's by pthread_exit (its zombie still counts until the process
// ends). glibc ends the process when its last thread ends; with the sampler
// alive it would never end, so the sampler does what glibc would have done.
// Asked without a descriptor, so that it works after the program closed the
// sampler's: /proc/self/task's link count is 2 plus the thread count, and
// /proc/self/exe stops resolving once main's thread has ended.
bool only_sampler_left() {
  struct stat task;
  if (stat("/proc/self/task", &task) != 0 || task.st_nlink < 3) return false;
  const uint64_t threads = task.st_nlink - 2;
  if (threads > 2) return false;
  char exe[8];
  const bool leader_gone = readlink("/proc/self/exe", exe, sizeof exe) < 0 && errno == ENOENT;
  return threads == (leader_gone ? 2u : 1u);
}

// The longest the sampler sleeps, so that it notices within this time that it
// is the last thread left.
constexpr uint64_t kLivenessNs = 100'000'000;

void* sampler_main(void*) {
  if (fnprof_alloc_set_untracked) fnprof_alloc_set_untracked(true);
  const SamplerSettings& set = g_sampler_settings;
  timespec next_sample, next_flush;
  clock_gettime(CLOCK_MONOTONIC, &next_sample);
  next_flush = next_sample;
  add_timespec(next_flush, set.flush_interval_ns);
  for (;;) {
    bool sample_due = set.interval_ns && (!set.flush_interval_ns || !before(next_flush, next_sample));
    const timespec& due = sample_due ? next_sample : next_flush;
    timespec now, check;
    clock_gettime(CLOCK_MONOTONIC, &now);
    check = now;
    add_timespec(check, kLivenessNs);
    const timespec& wake = before(check, due) ? check : due;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, nullptr) == EINTR) {
    }
    if (only_sampler_left()) exit(0);
    if (&wake != &due) continue;
    if (sample_due) {
      uint64_t cpu0 = thread_cpu_ns();
      if (g_timeline.count.load(std::memory_order_relaxed) == kMaxSamples) compact();
      uint32_t n = g_timeline.count.load(std::memory_order_relaxed);
      g_timeline.samples[n] = n ? g_timeline.samples[n - 1] : Sample{};
      take_sample(g_timeline.samples[n]);
      g_timeline.count.store(n + 1, std::memory_order_release);
      add_timespec(next_sample, set.interval_ns * g_timeline.stride.load(std::memory_order_relaxed));
      g_timeline.cpu_ns.fetch_add(thread_cpu_ns() - cpu0, std::memory_order_relaxed);
    } else {
      write_dump(DumpReason::Flush, 0, false);
      add_timespec(next_flush, set.flush_interval_ns);
    }
  }
  return nullptr;
}

// "250" (ms), "250ms", "2s", "500us", "0" (off): as the allocation tracker
// reads the same variable.
bool parse_interval(const char* v, double default_scale, uint64_t* ns) {
  char* end;
  double n = strtod(v, &end);
  double scale = strcmp(end, "ns") == 0 ? 1 : strcmp(end, "us") == 0 ? 1e3 : strcmp(end, "ms") == 0 ? 1e6
               : strcmp(end, "s") == 0 ? 1e9 : !*end ? default_scale : -1;
  if (scale < 0 || n < 0 || end == v) return false;
  *ns = static_cast<uint64_t>(n * scale);
  return true;
}

void read_settings() {
  SamplerSettings& set = g_sampler_settings;
  if (const char* v = getenv("FNPROF_SAMPLE_INTERVAL"); v && *v && !parse_interval(v, 1e6, &set.interval_ns))
    warn_once("ignoring an invalid value of ", "FNPROF_SAMPLE_INTERVAL (e.g. 100ms)");
  if (set.interval_ns && set.interval_ns < 1000000) set.interval_ns = 1000000;  // at most 1000/s
  if (const char* v = getenv("FNPROF_FLUSH_INTERVAL"); v && *v && !parse_interval(v, 1e9, &set.flush_interval_ns))
    warn_once("ignoring an invalid value of ", "FNPROF_FLUSH_INTERVAL (seconds)");
  if (set.flush_interval_ns && set.flush_interval_ns < 10000000) set.flush_interval_ns = 10000000;
  const char* children = getenv("FNPROF_SAMPLE_CHILDREN");
  set.in_children = children && strcmp(children, "1") == 0;
}

void start_thread() {
  const SamplerSettings& set = g_sampler_settings;
  g_timeline.running = false;
  if (!set.interval_ns && !set.flush_interval_ns) return;
  if (set.interval_ns && !g_timeline.samples) {
    g_timeline.samples = static_cast<Sample*>(map_memory(kMaxSamples * sizeof(Sample)));
    if (!g_timeline.samples) return warn_once("cannot map memory for the resource sampler", "");
  }
  // Every signal blocked: a process-directed signal goes to a program thread.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_t thread;
  const bool was_untracked = fnprof_alloc_set_untracked && fnprof_alloc_set_untracked(true);
  g_timeline.running = pthread_create(&thread, &attr, sampler_main, nullptr) == 0;
  if (fnprof_alloc_set_untracked) fnprof_alloc_set_untracked(was_untracked);
  if (g_timeline.running) pthread_setname_np(thread, "fnprof-sampler");
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

}  // namespace

void sampler_start() {
  page_size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  g_timeline.stride.store(1);
  read_settings();
  if (g_sampler_settings.interval_ns) open_files();
  start_thread();
}

void sampler_after_fork() {
  // The thread did not survive the fork; its samples are the parent's.
  forget_files();
  g_timeline.count.store(0);
  g_timeline.sequence.store(0);
  g_timeline.stride.store(1);
  g_timeline.cpu_ns.store(0);
  // Opened here, on the forking thread before fork() returns: the child's
  // program is not running yet.
  if (g_sampler_settings.in_children && g_sampler_settings.interval_ns) open_files();
  if (g_sampler_settings.in_children) start_thread();
  else g_timeline.running = false;
}

void write_resource_timeline(DumpBuffer& b) {
  if (!g_timeline.samples || !g_sampler_settings.interval_ns) return;
  // A consistent copy: retried while the sampler compacts (rare, and short).
  Sample* copy = nullptr;
  size_t copy_bytes = 0;
  uint32_t n = 0;
  uint64_t stride = 1;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    uint64_t seq = g_timeline.sequence.load(std::memory_order_acquire);
    if (seq & 1) {
      sched_yield();
      continue;
    }
    n = g_timeline.count.load(std::memory_order_acquire);
    stride = g_timeline.stride.load(std::memory_order_relaxed);
    if (!copy) {
      copy_bytes = kMaxSamples * sizeof(Sample);
      copy = static_cast<Sample*>(map_memory(copy_bytes));
      if (!copy) return;
    }
    memcpy(copy, g_timeline.samples, n * sizeof(Sample));
    std::atomic_thread_fence(std::memory_order_acquire);
    if (g_timeline.sequence.load(std::memory_order_relaxed) == seq) break;
    n = 0;
  }
  size_t at = b.begin_section();
  b.put(ResourceTimelineRecord{g_sampler_settings.interval_ns * stride, n, stride,
                               g_timeline.cpu_ns.load(std::memory_order_relaxed),
                               static_cast<uint64_t>(sysconf(_SC_NPROCESSORS_ONLN)), g_timeline.mem_total});
  Sample prev{};
  for (uint32_t i = 0; i < n; ++i) {
    const Sample& s = copy[i];
    b.put(ResourceSampleRecord{
        s.ticks - prev.ticks, s.user_us - prev.user_us, s.system_us - prev.system_us,
        static_cast<int64_t>(s.rss_bytes - prev.rss_bytes), s.minor_faults - prev.minor_faults,
        s.major_faults - prev.major_faults, s.voluntary_switches - prev.voluntary_switches,
        s.involuntary_switches - prev.involuntary_switches, s.read_bytes - prev.read_bytes,
        s.write_bytes - prev.write_bytes, static_cast<int64_t>(s.threads - prev.threads),
        s.system_busy - prev.system_busy, s.system_total - prev.system_total,
        static_cast<int64_t>(s.mem_available - prev.mem_available), s.counter_count});
    for (uint32_t k = 0; k < s.counter_count; ++k)
      b.put_varint(zigzag(s.counters[k] - (k < prev.counter_count ? prev.counters[k] : 0)));
    prev = s;
  }
  b.end_section(at, SectionType::ResourceTimeline);
  unmap_memory(copy, copy_bytes);
}

}  // namespace fnprof::rt::api
