#include "thread_registry.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <limits.h>
#include <string.h>
#include <time.h>

#include <new>

#include "call_record.h"
#include "clock.h"
#include "memory.h"
#include "process.h"
#include "signal_calls.h"

namespace fnprof::rt {

__thread ThreadState* tls_thread __attribute__((tls_model("initial-exec")));

namespace {

// Reservations, not allocations (MAP_NORESERVE): 32 MiB of shadow stack is
// recursion a million frames deep, 256 MiB of nodes (and 1.06 GiB of their
// durations) is 4M distinct call paths. Only the pages touched become memory:
// 336 bytes per call path.
constexpr uint32_t kFrameCapacity = 1u << 20;
constexpr uint32_t kNodeCapacity = 1u << 22;
constexpr uint32_t kInitialSlots = 1u << 12;

// No profile for this thread: out of memory, or it has ended.
__thread bool tls_failed __attribute__((tls_model("initial-exec")));
std::atomic<ThreadState*> g_threads{nullptr};
std::atomic<uint32_t> g_readers{0};
pthread_key_t g_exit_key;
// An exited thread's shadow stack: only the root's sentinel.
Frame g_no_frames[1] = {{0, UINTPTR_MAX, 0, 0}};

// The thread's nodes move to a copy sized to fit, and its reservations (the
// shadow stack, the node and child-table reservations) go back to the kernel:
// a program that starts thousands of short threads keeps a few hundred bytes
// of each. Its later hooks are not recorded (it runs no more of the program's
// code, only libc's teardown).
void retire(ThreadState* t) {
  uint32_t count = t->node_count.load(std::memory_order_relaxed);
  auto* kept = static_cast<Node*>(keep_memory(count * sizeof(Node)));
  uint32_t blocks = t->durations_used + 1;
  auto* kept_durations = kept ? static_cast<NodeDurations*>(keep_memory(blocks * sizeof(NodeDurations))) : nullptr;
  if (!kept_durations) {
    // Keep the tree where it is; the shadow stack's pages still go back.
    madvise(t->frames, t->frame_capacity * sizeof(Frame), MADV_DONTNEED);
    t->frames[0].sp = UINTPTR_MAX;
    return;
  }
  memcpy(kept, t->nodes, count * sizeof(Node));
  memcpy(kept_durations, t->durations, blocks * sizeof(NodeDurations));
  tls_thread = nullptr;
  tls_failed = true;
  // Readers that come later see the copy; those already reading other
  // threads (a dump on another thread) may hold the old addresses: the
  // reservations go once they are done (sequentially consistent, so either
  // they see the copy or this sees them).
  __atomic_store_n(&t->nodes, kept, __ATOMIC_SEQ_CST);
  __atomic_store_n(&t->durations, kept_durations, __ATOMIC_SEQ_CST);
  __atomic_store_n(&t->frames, &g_no_frames[0], __ATOMIC_SEQ_CST);
  // A reader stuck for good (a flush interrupted on its own thread) keeps
  // the reservations: waiting ends after 1 s.
  for (int waited_ms = 0; g_readers.load() != 0; ++waited_ms) {
    if (waited_ms == 1000) return;
    timespec ms = {0, 1000000};
    nanosleep(&ms, nullptr);
  }
  if (t->slots_mapped) unmap_memory(t->slots, (t->slot_mask + 1) * sizeof(ChildSlot));
  t->slots = nullptr;
  unmap_memory(t->reservation, t->reservation_bytes);
  t->reservation = nullptr;
}

// pthread key destructor: the thread is exiting. Frames still open (the
// thread function never returned to an instrumented caller) end now. Other
// keys' destructors may run after this one and call instrumented code, so
// the key is set again, and the thread retires in the last round but one
// (PTHREAD_DESTRUCTOR_ITERATIONS - 1): sanitizer runtimes keep their own
// key for the last round and tear down the thread's state there, after
// which the unmapping in retire() would no longer be theirs to see.
void thread_end(void* p) {
  auto* t = static_cast<ThreadState*>(p);
  uint64_t now = read_ticks();
  {
    ColdSection cold(t);
    close_frames_above(t, 0, now);
    count_deferred_durations(t);
  }
  t->end_ticks = now;
  if (++t->exit_rounds == 1) {
    timespec cpu{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    t->end_cpu_ns = static_cast<uint64_t>(cpu.tv_sec) * 1000000000u + static_cast<uint64_t>(cpu.tv_nsec);
    pthread_getname_np(pthread_self(), t->name, sizeof t->name);
    t->finished.store(true, std::memory_order_release);
  }
  if (t->exit_rounds < PTHREAD_DESTRUCTOR_ITERATIONS - 1) {
    pthread_setspecific(g_exit_key, t);
    return;
  }
  retire(t);
}

void push(ThreadState* t) {
  ThreadState* head = g_threads.load(std::memory_order_relaxed);
  do t->next = head;
  while (!g_threads.compare_exchange_weak(head, t, std::memory_order_release,
                                          std::memory_order_relaxed));
}

}  // namespace

void thread_registry_init() { pthread_key_create(&g_exit_key, thread_end); }

ThreadState* thread_begin() {
  if (tls_failed) return nullptr;
  process_init();
  // The state is kept until the dump, packed with others (keep_memory). One
  // mapping per thread for the rest, [frames | nodes | durations | first
  // child table | signal log],
  // so a program that starts many threads stays far from the kernel's limit
  // on mappings (vm.max_map_count, 65530 by default).
  constexpr size_t kFramesBytes = kFrameCapacity * sizeof(Frame);
  constexpr size_t kNodesBytes = kNodeCapacity * sizeof(Node);
  constexpr size_t kDurationsBytes = kNodeCapacity * sizeof(NodeDurations);
  constexpr size_t kSlotsBytes = kInitialSlots * sizeof(ChildSlot);
  constexpr size_t kSlotsAt = kFramesBytes + kNodesBytes + kDurationsBytes;
  constexpr size_t kBytes = kSlotsAt + kSlotsBytes + kSignalLogCapacity * sizeof(SignalCall);
  void* state = keep_memory(sizeof(ThreadState));
  auto* base = static_cast<char*>(state ? map_memory(kBytes) : nullptr);
  if (!base) {
    tls_failed = true;
    warn_once("cannot map memory for a thread; its calls are not profiled", "");
    return nullptr;
  }
  // Zeroed memory: every counter starts at 0.
  auto* t = new (state) ThreadState{};
  t->reservation = base;
  t->reservation_bytes = kBytes;
  t->frames = reinterpret_cast<Frame*>(base);
  t->frames[0].sp = UINTPTR_MAX;  // the root sentinel is above every frame
  t->nodes = reinterpret_cast<Node*>(base + kFramesBytes);
  t->durations = reinterpret_cast<NodeDurations*>(base + kFramesBytes + kNodesBytes);
  t->node_count.store(1, std::memory_order_relaxed);
  t->frame_capacity = kFrameCapacity;
  t->node_capacity = kNodeCapacity;
  t->slots = reinterpret_cast<ChildSlot*>(base + kSlotsAt);
  t->slot_mask = kInitialSlots - 1;
  t->slots_mapped = false;
  t->signal_log = reinterpret_cast<SignalCall*>(base + kSlotsAt + kSlotsBytes);
  t->tid = static_cast<uint64_t>(gettid());
  t->start_ticks = read_ticks();
  push(t);
  pthread_setspecific(g_exit_key, t);
  tls_thread = t;
  return t;
}

uint64_t thread_cpu_ns(const ThreadState* t) {
  if (t->finished.load(std::memory_order_acquire)) return t->end_cpu_ns;
  // Another thread's CPU clock by its tid: the kernel's clock id encoding
  // (MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED) in linux/posix-timers.h), what
  // pthread_getcpuclockid returns, without needing the thread's pthread_t.
  auto clock = static_cast<clockid_t>((~static_cast<clockid_t>(t->tid) << 3) | 4 | 2);
  timespec cpu{};
  if (clock_gettime(clock, &cpu) != 0) return 0;
  return static_cast<uint64_t>(cpu.tv_sec) * 1000000000u + static_cast<uint64_t>(cpu.tv_nsec);
}

ThreadReader::ThreadReader() { g_readers.fetch_add(1); }
ThreadReader::~ThreadReader() { g_readers.fetch_sub(1); }

ThreadState* ThreadReader::first() const { return g_threads.load(std::memory_order_acquire); }

const Node* ThreadReader::nodes(const ThreadState* t) const { return __atomic_load_n(&t->nodes, __ATOMIC_SEQ_CST); }

const NodeDurations* ThreadReader::durations(const ThreadState* t) const {
  return __atomic_load_n(&t->durations, __ATOMIC_SEQ_CST);
}

const Frame* ThreadReader::frames(const ThreadState* t) const { return __atomic_load_n(&t->frames, __ATOMIC_SEQ_CST); }

void threads_after_fork(uint64_t now) {
  ThreadState* self = tls_thread;
  if (self) {
    self->next = nullptr;
    self->tid = static_cast<uint64_t>(gettid());
    self->start_ticks = now;
    reset_tree(self, now);
  }
  g_threads.store(self, std::memory_order_release);
}

}  // namespace fnprof::rt
