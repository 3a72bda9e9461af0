#include "site_table.h"

#include <cstring>

#include "arena.h"

namespace fnprof::alloc {

namespace {

constexpr uint32_t kMaxSites = 1u << 20;
constinit std::atomic<uint32_t> g_site_count{0};

}  // namespace

bool site_table_init() {
  g_sites = static_cast<Site*>(reserve(sizeof(Site) * size_t{kMaxSites}));
  return g_sites != nullptr;
}

uint32_t new_site(uint32_t stack_id, const AllocThread* owner, uint64_t tid, uint64_t peak_epoch,
                  uint64_t sample_state) {
  uint32_t id = g_site_count.fetch_add(1, std::memory_order_relaxed);
  if (id >= kMaxSites) {
    g_site_count.store(kMaxSites, std::memory_order_relaxed);
    return kNoSite;
  }
  // Fresh pages are zero: only the identity and the epochs need setting.
  Site& s = g_sites[id];
  s.owner = owner;
  s.tid = tid;
  s.stack_id = stack_id;
  s.peak_epoch_seen = peak_epoch;
  s.sample_state_seen = sample_state;
  return id;
}

uint32_t site_count() {
  uint32_t n = g_site_count.load(std::memory_order_acquire);
  return n < kMaxSites ? n : kMaxSites;
}

void site_table_reset() {
  zero(g_sites, sizeof(Site) * size_t{site_count()});
  g_site_count.store(0, std::memory_order_relaxed);
}

bool SiteMap::insert(uint32_t stack_id, uint32_t site) {
  if ((used_ + 1) * 4 > (mask_ + 1) * 3 || !slots_) {
    uint32_t size = slots_ ? (mask_ + 1) * 2 : 1024;
    auto* slots = static_cast<uint64_t*>(reserve(size * sizeof(uint64_t)));
    if (!slots) return false;
    uint64_t* old = slots_;
    uint32_t old_size = slots_ ? mask_ + 1 : 0;
    slots_ = slots, mask_ = size - 1;
    for (uint32_t i = 0; i < old_size; ++i) {
      if (!old[i]) continue;
      uint32_t j = index(static_cast<uint32_t>(old[i] >> 32) - 1);
      while (slots_[j]) j = (j + 1) & mask_;
      slots_[j] = old[i];
    }
    release(old, old_size * sizeof(uint64_t));
  }
  uint32_t i = index(stack_id);
  while (slots_[i]) i = (i + 1) & mask_;
  slots_[i] = (static_cast<uint64_t>(stack_id) + 1) << 32 | site;
  ++used_;
  return true;
}

void SiteMap::clear() {
  if (slots_) std::memset(slots_, 0, (mask_ + 1) * sizeof(uint64_t));
  used_ = 0;
}

}  // namespace fnprof::alloc
