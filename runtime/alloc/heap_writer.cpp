#include "heap_writer.h"

#include <linux/membarrier.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace fnprof::alloc {

constinit std::atomic<AllocThread*> g_writer{nullptr};

namespace {

constexpr uint32_t kMaxWriterChanges = 32;
constinit std::atomic<bool> g_writer_lock{false};  // serializes handovers
constinit uint32_t g_writer_changes = 0;           // under g_writer_lock
constinit bool g_membarrier = false;               // registered for this process

bool register_membarrier() {
  return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

}  // namespace

void change_writer(AllocThread* t) {
  ErrnoKeeper keep_errno;
  while (g_writer_lock.exchange(true, std::memory_order_acquire)) sched_yield();
  AllocThread* old = g_writer.load(std::memory_order_relaxed);
  if (old != t && old != kSharedWriter) {
    bool biased = g_membarrier && g_writer_changes < kMaxWriterChanges;
    g_writer.store(biased ? t : kSharedWriter, std::memory_order_seq_cst);
    if (old) {
      ++g_writer_changes;
      // Cannot fail once registered (EINVAL and EPERM are the only errors).
      syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
      std::atomic_ref<uint32_t> writing(old->heap_writing);
      while (writing.load(std::memory_order_acquire)) sched_yield();
    }
  }
  g_writer_lock.store(false, std::memory_order_release);
}

void heap_writer_init() { g_membarrier = register_membarrier(); }

void heap_writer_after_fork() {
  // The parent's writer may have been handing over.
  g_writer.store(nullptr), g_writer_lock.store(false), g_writer_changes = 0;
  g_membarrier = register_membarrier();
}

}  // namespace fnprof::alloc
