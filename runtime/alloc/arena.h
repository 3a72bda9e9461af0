// The tracker's memory: anonymous MAP_NORESERVE reservations (pages cost
// only once touched), never the program's heap, and a lock-free bump arena
// over one for records that live until exit (interned stacks).
#pragma once

#include <sys/mman.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace fnprof::alloc {

// Zeroed memory, or nullptr.
inline void* reserve(size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

inline void release(void* p, size_t bytes) {
  if (p) munmap(p, bytes);
}

// Gives the pages back and makes them read as zeros again (fork child reset).
inline void zero(void* p, size_t bytes) {
  if (p) madvise(p, bytes, MADV_DONTNEED);
}

class BumpArena {
 public:
  bool init(size_t capacity) {
    base_ = static_cast<char*>(reserve(capacity));
    capacity_ = base_ ? capacity : 0;
    return base_ != nullptr;
  }
  // 16-byte aligned; nullptr when full. One fetch_add, no lock.
  void* allocate(size_t bytes) {
    bytes = (bytes + 15) & ~size_t{15};
    size_t at = used_.fetch_add(bytes, std::memory_order_relaxed);
    if (at + bytes > capacity_) return nullptr;
    return base_ + at;
  }

 private:
  char* base_ = nullptr;
  size_t capacity_ = 0;
  std::atomic<size_t> used_{0};
};

}  // namespace fnprof::alloc
