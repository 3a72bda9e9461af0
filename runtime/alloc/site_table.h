// Allocation sites: an interned stack plus the thread that allocated there.
// Sites live in one array of mmap'd records indexed by a 32-bit site id
// (handed out with one fetch_add); each thread finds its own sites through a
// private map from stack id to site id, so lookups take no lock and no
// atomic operation.
//
// A site's counters are split by writer so that none needs an atomic
// read-modify-write on the hot path: the owner (the allocating thread) writes
// the allocation counters and its own frees with plain stores; another thread
// freeing one of the site's blocks adds to the `other_*` atomics instead.
#pragma once

#include <atomic>
#include <cstdint>

namespace fnprof::alloc {

struct AllocThread;

inline constexpr uint32_t kSizeBuckets = 64;
inline constexpr uint32_t kSnapshots = 16;
inline constexpr uint32_t kNoSite = UINT32_MAX;

struct Site {
  // Owner only.
  uint64_t allocations;
  uint64_t bytes_allocated;
  uint64_t own_frees;
  uint64_t own_bytes_freed;
  uint64_t peak_live_bytes;
  uint64_t temporary;
  // Any thread.
  std::atomic<uint64_t> other_frees;
  std::atomic<uint64_t> other_bytes_freed;
  std::atomic<uint64_t> mismatched;
  // Copy-on-change records of the site's live bytes at the process peak and
  // at heap samples (heap_sampling.h explains them).
  uint64_t bytes_at_peak;
  uint64_t peak_epoch_seen;
  uint64_t sample_state_seen;
  uint64_t snapshots[kSnapshots];
  // Identity.
  const AllocThread* owner;
  uint64_t tid;
  uint32_t stack_id;
  uint64_t histogram[kSizeBuckets];  // allocations by bit width of the size

  uint64_t frees() const { return own_frees + other_frees.load(std::memory_order_relaxed); }
  uint64_t bytes_freed() const {
    return own_bytes_freed + other_bytes_freed.load(std::memory_order_relaxed);
  }
  uint64_t live_bytes() const {
    uint64_t freed = bytes_freed();
    return bytes_allocated > freed ? bytes_allocated - freed : 0;
  }
};

bool site_table_init();
// A new site; kNoSite when the table is full. Its copy-on-change records
// start as "unchanged since the current peak and sample".
uint32_t new_site(uint32_t stack_id, const AllocThread* owner, uint64_t tid, uint64_t peak_epoch,
                  uint64_t sample_state);
inline constinit Site* g_sites = nullptr;
inline Site& site_at(uint32_t id) { return g_sites[id]; }
uint32_t site_count();
// Fork child: the child starts with no sites.
void site_table_reset();

// A thread's map from stack id to its site for that stack. Single writer,
// open addressing, grows by doubling into a fresh mapping.
class SiteMap {
 public:
  uint32_t find(uint32_t stack_id) const {
    if (!slots_) return kNoSite;
    for (uint32_t i = index(stack_id);; i = (i + 1) & mask_) {
      uint64_t s = slots_[i];
      if (s == 0) return kNoSite;
      if (static_cast<uint32_t>(s >> 32) == stack_id + 1) return static_cast<uint32_t>(s);
    }
  }
  bool insert(uint32_t stack_id, uint32_t site);
  void clear();

 private:
  uint32_t index(uint32_t stack_id) const { return (stack_id * 0x9E3779B1u) & mask_; }
  uint64_t* slots_ = nullptr;  // (stack_id + 1) << 32 | site; 0 is empty
  uint32_t mask_ = 0;
  uint32_t used_ = 0;
};

}  // namespace fnprof::alloc
