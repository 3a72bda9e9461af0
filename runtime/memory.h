// The runtime's memory: anonymous mappings, never the program's malloc, so the
// hooks cannot re-enter the allocator and a profile survives a heap corrupted
// by the program. Reservations are MAP_NORESERVE: pages cost only once touched.
#pragma once

#include <cstddef>

namespace fnprof::rt {

// Returns zeroed memory, or nullptr when the mapping fails.
void* map_memory(size_t bytes);
void unmap_memory(void* p, size_t bytes);

}  // namespace fnprof::rt
