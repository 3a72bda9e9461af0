// The runtime's memory: anonymous mappings, never the program's malloc, so the
// hooks cannot re-enter the allocator and a profile survives a heap corrupted
// by the program. Reservations are MAP_NORESERVE: pages cost only once touched.
#pragma once

#include <cstddef>

namespace fnprof::rt {

// Returns zeroed memory, or nullptr when the mapping fails.
void* map_memory(size_t bytes);
void unmap_memory(void* p, size_t bytes);

// Zeroed memory kept until the process ends, packed with other such records
// in shared chunks (thread states, exited threads' trees): a record costs its
// size, not a page and a mapping. Lock-free; nullptr when out of memory.
void* keep_memory(size_t bytes);

}  // namespace fnprof::rt
