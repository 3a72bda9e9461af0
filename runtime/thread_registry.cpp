#include "thread_registry.h"

#include <pthread.h>
#include <unistd.h>

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
  auto* t = static_cast<ThreadState*>(map_memory(sizeof(ThreadState)));
  auto* frames = static_cast<Frame*>(map_memory(kFrameCapacity * sizeof(Frame)));
  auto* nodes = static_cast<Node*>(map_memory(kNodeCapacity * sizeof(Node)));
  auto* slots = static_cast<ChildSlot*>(map_memory(kInitialSlots * sizeof(ChildSlot)));
  if (!t || !frames || !nodes || !slots) {
    unmap_memory(t, sizeof(ThreadState));
    unmap_memory(frames, kFrameCapacity * sizeof(Frame));
    unmap_memory(nodes, kNodeCapacity * sizeof(Node));
    unmap_memory(slots, kInitialSlots * sizeof(ChildSlot));
    tls_failed = true;
    warn_once("cannot map memory for a thread; its calls are not profiled", "");
    return nullptr;
  }
  // map_memory returns zeroed pages: every counter starts at 0.
  t->frames = frames;
  t->frames[0].sp = UINTPTR_MAX;  // the root sentinel is above every frame
  t->nodes = nodes;
  t->node_count.store(1, std::memory_order_relaxed);
  t->frame_capacity = kFrameCapacity;
  t->node_capacity = kNodeCapacity;
  t->slots = slots;
  t->slot_mask = kInitialSlots - 1;
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
