#include "thread_registry.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <new>

#include "clock.h"
#include "memory.h"
#include "process.h"

namespace fnprof::rt {

__thread ThreadState* tls_thread __attribute__((tls_model("initial-exec")));

namespace {

// Reservations, not allocations (MAP_NORESERVE): 32 MiB of shadow stack is
// recursion a million frames deep, 128 MiB of nodes is 4M distinct call paths.
constexpr uint32_t kFrameCapacity = 1u << 20;
constexpr uint32_t kNodeCapacity = 1u << 22;
constexpr uint32_t kInitialSlots = 1u << 12;

__thread bool tls_failed __attribute__((tls_model("initial-exec")));
std::atomic<ThreadState*> g_threads{nullptr};
pthread_key_t g_exit_key;

// pthread key destructor: the thread is exiting. Frames still open (the
// thread function never returned to an instrumented caller) end now.
void thread_end(void* p) {
  auto* t = static_cast<ThreadState*>(p);
  uint64_t now = read_ticks();
  close_frames_above(t, 0, now);
  t->end_ticks = now;
  pthread_getname_np(pthread_self(), t->name, sizeof t->name);
  t->finished.store(true, std::memory_order_release);
  // The shadow stack's pages go back to the kernel; the range stays mapped
  // (reads as zeros) as hooks may still run in later TLS destructors.
  madvise(t->frames, t->frame_capacity * sizeof(Frame), MADV_DONTNEED);
  t->frames[0].sp = UINTPTR_MAX;
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
  // One mapping per thread, [state | frames | nodes | first child table], so a
  // program that starts many threads stays far from the kernel's limit on
  // mappings (vm.max_map_count, 65530 by default).
  constexpr size_t kStateBytes = (sizeof(ThreadState) + 4095) & ~size_t{4095};
  constexpr size_t kFramesBytes = kFrameCapacity * sizeof(Frame);
  constexpr size_t kNodesBytes = kNodeCapacity * sizeof(Node);
  constexpr size_t kBytes = kStateBytes + kFramesBytes + kNodesBytes + kInitialSlots * sizeof(ChildSlot);
  auto* base = static_cast<char*>(map_memory(kBytes));
  if (!base) {
    tls_failed = true;
    warn_once("cannot map memory for a thread; its calls are not profiled", "");
    return nullptr;
  }
  // map_memory returns zeroed pages: every counter starts at 0.
  auto* t = new (base) ThreadState{};
  t->frames = reinterpret_cast<Frame*>(base + kStateBytes);
  t->frames[0].sp = UINTPTR_MAX;  // the root sentinel is above every frame
  t->nodes = reinterpret_cast<Node*>(base + kStateBytes + kFramesBytes);
  t->node_count.store(1, std::memory_order_relaxed);
  t->frame_capacity = kFrameCapacity;
  t->node_capacity = kNodeCapacity;
  t->slots = reinterpret_cast<ChildSlot*>(base + kStateBytes + kFramesBytes + kNodesBytes);
  t->slot_mask = kInitialSlots - 1;
  t->slots_mapped = false;
  t->tid = static_cast<uint64_t>(gettid());
  t->start_ticks = read_ticks();
  push(t);
  pthread_setspecific(g_exit_key, t);
  tls_thread = t;
  return t;
}

ThreadState* thread_list() { return g_threads.load(std::memory_order_acquire); }

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
