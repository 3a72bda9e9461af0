#include "live_blocks.h"

#include <sys/mman.h>
#include <unistd.h>

#include "../arch_x86_64.h"
#include "../compiler.h"
#include "arena.h"
#include "tracker.h"

namespace fnprof::alloc {

namespace {

constexpr int kGranuleBits = 4;
constexpr int kRegionBits = 30;
constexpr size_t kRegionCount = size_t{1} << (arch::kUserAddressBits - kRegionBits);
constexpr size_t kEntriesPerRegion = size_t{1} << (kRegionBits - kGranuleBits);
constexpr size_t kRegionBytes = kEntriesPerRegion * sizeof(BlockEntry);

constinit std::atomic<BlockEntry*>* g_regions = nullptr;

BlockEntry* entry(const void* p, bool create) {
  auto a = reinterpret_cast<uintptr_t>(p);
  size_t r = a >> kRegionBits;
  if (r >= kRegionCount) return nullptr;
  BlockEntry* region = g_regions[r].load(std::memory_order_acquire);
  if (FNPROF_UNLIKELY(!region)) {
    if (!create) return nullptr;
    ErrnoKeeper keep_errno;
    auto* fresh = static_cast<BlockEntry*>(reserve(kRegionBytes));
    if (!fresh) return nullptr;
    if (g_regions[r].compare_exchange_strong(region, fresh, std::memory_order_acq_rel)) {
      region = fresh;
    } else {
      release(fresh, kRegionBytes);  // another thread mapped it first
    }
  }
  return &region[(a & ((uintptr_t{1} << kRegionBits) - 1)) >> kGranuleBits];
}

}  // namespace

bool live_blocks_init() {
  g_regions = static_cast<std::atomic<BlockEntry*>*>(reserve(kRegionCount * sizeof(BlockEntry*)));
  return g_regions != nullptr;
}

bool insert_block(const void* p, uint64_t size, uint32_t site, uint32_t kind) {
  BlockEntry* e = entry(p, true);
  if (!e) return false;
  e->size.store(size, std::memory_order_relaxed);
  e->site = site;
  // Last, with release: a dump reading the tag sees the size and site.
  e->tag.store(kind | static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p) & 15) << 8,
               std::memory_order_release);
  return true;
}

bool remove_block(const void* p, uint64_t* size, uint32_t* site, uint32_t* kind) {
  BlockEntry* e = entry(p, false);
  if (!e) return false;
  uint32_t tag = e->tag.load(std::memory_order_relaxed);
  if (tag == 0 || ((tag >> 8) & 0xff) != (reinterpret_cast<uintptr_t>(p) & 15)) return false;
  *size = e->size.load(std::memory_order_relaxed);
  *site = e->site;
  *kind = tag & (kKindMask | kBeforeMain);
  e->tag.store(0, std::memory_order_relaxed);
  return true;
}

void for_each_block(void (*fn)(void*, uint64_t, uint64_t, uint32_t, uint32_t), void* ctx) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t pages = kRegionBytes / page;
  auto* resident = static_cast<unsigned char*>(reserve(pages));
  if (!resident) return;
  for (size_t r = 0; r < kRegionCount; ++r) {
    BlockEntry* region = g_regions[r].load(std::memory_order_acquire);
    if (!region || mincore(region, kRegionBytes, resident) != 0) continue;
    const size_t per_page = page / sizeof(BlockEntry);
    for (size_t pg = 0; pg < pages; ++pg) {
      if (!(resident[pg] & 1)) continue;
      for (size_t i = pg * per_page; i < (pg + 1) * per_page; ++i) {
        uint32_t tag = region[i].tag.load(std::memory_order_acquire);
        if (!tag) continue;
        uint64_t address = (static_cast<uint64_t>(r) << kRegionBits) | (i << kGranuleBits) | ((tag >> 8) & 0xff);
        fn(ctx, address, region[i].size.load(std::memory_order_relaxed), region[i].site,
           tag & (kKindMask | kBeforeMain));
      }
    }
  }
  release(resident, pages);
}

void live_blocks_reset() {
  for (size_t r = 0; r < kRegionCount; ++r)
    if (BlockEntry* region = g_regions[r].load(std::memory_order_relaxed)) zero(region, kRegionBytes);
}

}  // namespace fnprof::alloc

