#include "memory.h"

#include <sys/mman.h>

namespace fnprof::rt {

void* map_memory(size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

void unmap_memory(void* p, size_t bytes) {
  if (p) munmap(p, bytes);
}

}  // namespace fnprof::rt
