#include "dump_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blocking_calls.h"
#include "call_record.h"
#include "dump_buffer.h"
#include "clock.h"
#include "memory.h"
#include "module_map.h"
#include "probe_cost.h"
#include "text.h"
#include "process.h"
#include "thread_registry.h"

namespace fnprof::rt {

namespace {

using namespace format;

constexpr uint32_t kMaxExtra = 8;
SectionWriter g_extra[kMaxExtra];
std::atomic<uint32_t> g_extra_count{0};

void read_thread_name(const ThreadState* t, char* out, size_t size) {
  if (t->finished.load(std::memory_order_acquire)) {
    memcpy(out, t->name, size < sizeof t->name ? size : sizeof t->name);
    return;
  }
  Text path;
  path << "/proc/self/task/" << t->tid << "/comm";
  int fd = open(path.s, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, out, size - 1) : -1;
  if (fd >= 0) close(fd);
  if (n > 0 && out[n - 1] == '\n') --n;
  out[n > 0 ? n : 0] = '\0';
}

// Finished calls only: an open call's duration is not known yet.
// `deferred`: the thread's durations not counted yet (call_record.h), added
// to the ones written, as another thread's cannot be counted in its place. A
// thread that counts them at the same moment may have a few counted twice
// or not at all: a dump of a running thread is a moment of its run.
void put_durations(DumpBuffer& b, const Node* nodes, const NodeDurations* durations, uint32_t count,
                   const uint64_t* deferred) {
  uint64_t pending[kDeferredDurations];
  uint32_t pending_count = 0;
  for (uint32_t k = 0; k < kDeferredDurations; ++k) {
    uint64_t e = __atomic_load_n(&deferred[k], __ATOMIC_RELAXED);
    if (e >> 32 == 0 || e >> 32 >= count) continue;  // empty, the root's, or a node newer than `count`
    uint32_t j = pending_count++;  // kept in node order: the nodes are written in it
    for (; j > 0 && pending[j - 1] > e; --j) pending[j] = pending[j - 1];
    pending[j] = e;
  }
  uint32_t next_pending = 0;
  size_t at = b.begin_section();
  b.put_varint(count - 1);
  for (uint32_t i = 1; i < count; ++i) {
    uint32_t index = __atomic_load_n(&nodes[i].durations, __ATOMIC_ACQUIRE);
    bool more = next_pending < pending_count && pending[next_pending] >> 32 == i;
    if (!more && (!index || (index & kOneDuration))) {
      // No finished call or one, as most nodes of a large tree: no histogram to build.
      uint64_t ticks = index & ~kOneDuration;
      b.put(DurationsRecord{ticks, ticks, index ? 1u : 0u});
      if (index) b.put(DurationBucketRecord{format::duration_bucket(ticks), 1});
      continue;
    }
    // A running thread may be adding a call meanwhile (a crash or flush
    // dumps while others run): work on one copy, so that the bucket count
    // written is the buckets written, and mend the one tear a copy can
    // hold, a call counted before its shortest and longest were stored.
    NodeDurations d{};
    if (index & kOneDuration) {
      add_duration(d, index & ~kOneDuration);
    } else if (index) {
      memcpy(&d, &durations[index], sizeof d);
      __asm__("" : : "r"(&d) : "memory");  // the compiler must not read through to the original
    }
    for (; next_pending < pending_count && pending[next_pending] >> 32 == i; ++next_pending)
      add_duration(d, static_cast<uint32_t>(pending[next_pending]));
    uint64_t buckets = 0;
    for (uint32_t k = 0; k < kDurationBuckets; ++k) buckets += d.buckets[k] != 0;
    uint64_t min = buckets ? ~d.min_complement : 0;
    b.put(DurationsRecord{min < d.max_ticks ? min : d.max_ticks, d.max_ticks, buckets});
    uint32_t previous = 0;
    for (uint32_t k = 0; k < kDurationBuckets; ++k) {
      if (!d.buckets[k]) continue;
      b.put(DurationBucketRecord{k - previous, d.buckets[k]});
      previous = k;
    }
  }
  b.end_section(at, SectionType::CallDurations);
}

void put_thread(DumpBuffer& b, const ThreadReader& reader, const ThreadState* t, uint64_t now) {
  // Other threads may still be running: read the published node count once
  // and only nodes below it.
  uint32_t count = t->node_count.load(std::memory_order_acquire);
  bool running = !t->finished.load(std::memory_order_acquire);
  const Node* nodes = reader.nodes(t);
  const Frame* frames = reader.frames(t);
  uint32_t depth = running && t->depth < t->frame_capacity ? t->depth : 0;
  char name[32];
  read_thread_name(t, name, sizeof name);
  uint64_t flags = (running ? uint64_t{kThreadRunning} : 0) | (t->truncated ? uint64_t{kThreadTruncated} : 0);
  size_t at = b.begin_section();
  b.put(ThreadRecord{t->tid, name, t->start_ticks, running ? now : t->end_ticks, flags, count - 1});
  // Open frames have increasing node indices (call_tree.h), so one pass adds
  // each open call's time so far to its node.
  uint32_t d = 1;
  DeltaCodec<int64_t> func;
  for (uint32_t i = 1; i < count; ++i) {
    const Node& n = nodes[i];
    uint64_t open = 0;
    while (d <= depth && frames[d].node < i) ++d;
    if (d <= depth && frames[d].node == i && now > frames[d].start_ticks)
      open = now - frames[d].start_ticks;
    b.put(NodeRecord{i - n.parent, func.encode(n.func), n.calls, n.incl_ticks + open});
  }
  b.end_section(at, SectionType::Thread);
  put_durations(b, nodes, reader.durations(t), count, t->deferred);
}

// The blocking functions (blocking_calls.h) and each thread's CPU time.
void put_waiting(DumpBuffer& b) {
  BlockingFunction functions[kMaxBlockingFunctions];
  uint32_t n = blocking_functions(functions, kMaxBlockingFunctions);
  size_t at = b.begin_section();
  b.put_varint(n);
  for (uint32_t i = 0; i < n; ++i)
    b.put(BlockingFunctionRecord{functions[i].address, static_cast<uint64_t>(functions[i].kind), functions[i].name});
  b.end_section(at, SectionType::BlockingFunctions);

  // Threads are pushed at the head of the list: from one head, both passes
  // see the same threads.
  ThreadReader reader;
  const ThreadState* head = reader.first();
  uint64_t threads = 0;
  for (const ThreadState* t = head; t; t = t->next) ++threads;
  at = b.begin_section();
  b.put_varint(threads);
  for (const ThreadState* t = head; t; t = t->next)
    b.put(ThreadCpuRecord{t->tid, t->start_ticks, thread_cpu_ns(t)});
  b.end_section(at, SectionType::ThreadCpu);
}

void encode(DumpBuffer& b, DumpReason reason, int signal, const ClockPoint& end, uint64_t tps) {
  FileHeader h{};
  memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.header_size = sizeof h;
  b.append(&h, sizeof h);

  size_t at = b.begin_section();
  b.put(ProcessRecord{static_cast<uint64_t>(g_process.pid), static_cast<uint64_t>(g_process.ppid),
                      g_process.program, g_process.exe,
                      std::string_view(g_process.cmdline ? g_process.cmdline : "", g_process.cmdline_size),
                      g_process.start_unix_ns, static_cast<uint64_t>(clock_source()), tps,
                      g_process.start.ticks, end.ticks, static_cast<uint64_t>(reason),
                      static_cast<uint64_t>(signal)});
  b.end_section(at, SectionType::Process);

  at = b.begin_section();
  uint32_t modules = module_count();
  b.put_varint(modules);
  for (uint32_t i = 0; i < modules; ++i) {
    const ModuleEntry& m = module_at(i);
    b.put(ModuleRecord{m.path,
                       std::string_view(reinterpret_cast<const char*>(m.build_id), m.build_id_size),
                       m.bias, m.lo, m.hi});
  }
  b.end_section(at, SectionType::Modules);

  at = b.begin_section();
  b.put(probe_cost());
  b.end_section(at, SectionType::ProbeCost);

  {
    ThreadReader reader;
    for (const ThreadState* t = reader.first(); t; t = t->next) put_thread(b, reader, t, end.ticks);
  }
  put_waiting(b);
  for (uint32_t i = 0; i < g_extra_count.load(std::memory_order_acquire); ++i) g_extra[i](b, end.ticks);

  EndRecord end_record = b.end_record();
  at = b.begin_section();
  b.put(end_record);
  b.end_section(at, SectionType::End);
}

bool write_all(int fd, const uint8_t* p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w, n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

void add_section_writer(SectionWriter writer) {
  uint32_t n = g_extra_count.load(std::memory_order_relaxed);
  if (n == kMaxExtra) return;
  g_extra[n] = writer;
  g_extra_count.store(n + 1, std::memory_order_release);
}

namespace {

// A process has one dump file, replaced by each of its dumps: a periodic
// flush renames its finished temporary over the previous one (rename(2) is
// atomic, so the file at the name is always a complete dump, and the disk
// holds one per process however long it runs), and the final dump comes last
// (it waits for the flushes in progress).
//
// The file's name is claimed by the process's first dump: the first free one
// of fnprof.<program>.<pid>.fnp, fnprof.<program>.<pid>.2.fnp, ... A process
// that execs another image of the same program keeps its pid, and a later
// process may get the same pid: neither may overwrite the other's profile,
// nor anything (a symlink) placed at the name. RENAME_NOREPLACE where the
// filesystem has it, else link(). A fork child claims a name of its own.
enum ClaimState { kUnclaimed, kClaiming, kClaimed };
std::atomic<int> g_claim{kUnclaimed};
Text g_claimed;

bool claim(const char* tmp, Text* path) {
  size_t base = path->n;
  for (uint64_t n = 1; n < 1000; ++n) {
    path->n = base;
    if (n > 1) *path << "." << n;
    *path << ".fnp";
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path->s, RENAME_NOREPLACE) == 0) return true;
    if (errno == EINVAL && link(tmp, path->s) == 0) return unlink(tmp), true;
    if (errno != EEXIST) return false;
  }
  return false;
}

bool publish(const char* tmp, Text* path) {
  int state = g_claim.load(std::memory_order_acquire);
  // Another thread's first dump is claiming the name: wait for it (at most
  // 1 s, as for a flush), else take a name of our own.
  for (int waited_ms = 0; state == kClaiming && waited_ms < 1000; ++waited_ms) {
    timespec ms = {0, 1000000};
    nanosleep(&ms, nullptr);
    state = g_claim.load(std::memory_order_acquire);
  }
  if (state == kClaimed) {
    *path = g_claimed;
    return rename(tmp, path->s) == 0;
  }
  if (state != kUnclaimed || !g_claim.compare_exchange_strong(state, kClaiming, std::memory_order_acquire))
    return claim(tmp, path);
  bool ok = claim(tmp, path);
  if (ok) g_claimed = *path;
  g_claim.store(ok ? kClaimed : kUnclaimed, std::memory_order_release);
  return ok;
}

}  // namespace

namespace {

// A flush (periodic on the sampler thread, or fnprof_flush()) may be under
// way when the process ends, and exit_group would kill it halfway, leaving
// its temporary file. So a final dump (exit, fatal signal, exec) waits for
// the flushes in progress, at most 1 s (a flush interrupted by a signal on
// its own thread never finishes), and after it, unless it is an exec's, which
// can fail, no flush starts. Sequentially consistent: a flush counts itself
// before it looks, the final dump says so before it counts.
std::atomic<int> g_flushes{0};
std::atomic<bool> g_ending{false};

bool begin_dump(DumpReason reason) {
  if (reason == DumpReason::Flush) {
    g_flushes.fetch_add(1);
    if (!g_ending.load()) return true;
    g_flushes.fetch_sub(1);
    return false;
  }
  if (reason != DumpReason::Exec) g_ending.store(true);
  for (int waited_ms = 0; g_flushes.load() > 0 && waited_ms < 1000; ++waited_ms) {
    timespec ms = {0, 1000000};
    nanosleep(&ms, nullptr);
  }
  return true;
}

void end_dump(DumpReason reason) {
  if (reason == DumpReason::Flush) g_flushes.fetch_sub(1);
}

}  // namespace

void dump_writer_after_fork() {
  // The flushing thread, if any, was not copied into the child, and the
  // file is the parent's.
  g_flushes.store(0);
  g_ending.store(false);
  g_claim.store(kUnclaimed);
}

namespace {
__thread bool tls_in_signal_handler __attribute__((tls_model("initial-exec")));
}  // namespace

bool writing_dump_in_signal_handler() { return tls_in_signal_handler; }

bool write_dump(DumpReason reason, int signal, bool in_signal_handler, char* written_path, size_t size) {
  if (!process_ready()) return false;
  if (g_process.secure) {
    warn_once("no profile written: the program runs with privileges its user lacks (setuid, setgid or ",
              "capabilities: AT_SECURE), where FNPROF_OUTPUT and the working directory are not trusted");
    return false;
  }
  if (!begin_dump(reason)) return false;
  int saved_errno = errno;  // the program must not see ours
  // The other threads' last few durations may still be deferred: a dump
  // taken while they run is a moment of their run.
  if (ThreadState* self = tls_thread) count_own_durations(self);
  if (!in_signal_handler) scan_modules(), probe_cost_measure();
  ClockPoint end = clock_now();
  uint64_t tps = ticks_per_second(g_process.start, &end);

  DumpBuffer b;
  tls_in_signal_handler = in_signal_handler;
  encode(b, reason, signal, end, tps);
  tls_in_signal_handler = false;

  Text path, tmp;
  path << g_process.output_dir << "/fnprof." << g_process.program << "." << static_cast<uint64_t>(g_process.pid);
  // Dumps may be written at the same time (a periodic flush on the sampler
  // thread while exit writes the final one): each has a temporary of its own.
  static std::atomic<uint64_t> sequence{0};
  tmp << g_process.output_dir << "/.fnprof." << g_process.program << "."
      << static_cast<uint64_t>(g_process.pid) << "." << sequence.fetch_add(1) << ".fnp.tmp";
  bool ok = false, tmp_failed = false;
  if (!b.failed()) {
    unlink(tmp.s);  // left by a killed process that had our pid
    int fd = open(tmp.s, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    // A missing output directory is made, private to the user, when its
    // parent exists (mkdir never follows a symlink at the name; a missing
    // parent is more likely a typo than a tree to build).
    if (fd < 0 && errno == ENOENT && mkdir(g_process.output_dir, 0700) == 0)
      fd = open(tmp.s, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    // Something at the temporary's own name (the directory is fine).
    tmp_failed = fd < 0 && (errno == EEXIST || errno == EISDIR || errno == ELOOP);
    if (fd >= 0) {
      ok = write_all(fd, b.data(), b.size());
      ok = close(fd) == 0 && ok;
      ok = ok && publish(tmp.s, &path);
      int publish_errno = errno;
      if (!ok) unlink(tmp.s);
      errno = publish_errno;
    }
  }
  if (!ok) {
    if (path.n && path.s[path.n - 1] != 'p') path << ".fnp";
    Text why;
    // Name the file in the way: the temporary when something sits at its name.
    why << (tmp_failed ? tmp.s : path.s) << ": " << (b.failed() ? "out of memory" : strerrordesc_np(errno));
    warn_once("cannot write the profile ", why.s);
  } else if (written_path && size) {
    size_t n = path.n < size - 1 ? path.n : size - 1;
    memcpy(written_path, path.s, n);
    written_path[n] = '\0';
  }
  end_dump(reason);
  errno = saved_errno;
  return ok;
}

}  // namespace fnprof::rt
