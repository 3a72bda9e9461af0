#include "memory.h"

#include <sys/mman.h>

#include <atomic>
#include <cstdint>

namespace fnprof::rt {

void* map_memory(size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

void unmap_memory(void* p, size_t bytes) {
  if (p) munmap(p, bytes);
}

void prefer_huge_pages(void* p, size_t bytes) { madvise(p, bytes, MADV_HUGEPAGE); }

namespace {

// A chunk starts with its header; `used` counts from the chunk's start and
// may run past the end once the chunk is full (then a new chunk replaces it).
struct Chunk {
  std::atomic<size_t> used;
};
constexpr size_t kChunkBytes = size_t{1} << 20;
constexpr size_t kAlign = 16;
std::atomic<Chunk*> g_chunk{nullptr};

}  // namespace

void* keep_memory(size_t bytes) {
  bytes = (bytes + kAlign - 1) & ~(kAlign - 1);
  // A big record (a large exited tree) is a mapping of its own, so a chunk
  // is never mostly wasted.
  if (bytes > kChunkBytes / 8) return map_memory(bytes);
  for (;;) {
    Chunk* c = g_chunk.load(std::memory_order_acquire);
    if (c) {
      size_t at = c->used.fetch_add(bytes, std::memory_order_relaxed);
      if (at + bytes <= kChunkBytes) return reinterpret_cast<char*>(c) + at;
    }
    auto* fresh = static_cast<Chunk*>(map_memory(kChunkBytes));
    if (!fresh) return nullptr;
    fresh->used.store((sizeof(Chunk) + kAlign - 1) & ~(kAlign - 1), std::memory_order_relaxed);
    // Another thread may have replaced the full chunk first: use its chunk.
    if (!g_chunk.compare_exchange_strong(c, fresh, std::memory_order_acq_rel)) unmap_memory(fresh, kChunkBytes);
  }
}

}  // namespace fnprof::rt
