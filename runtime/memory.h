// The runtime's memory: anonymous mappings, never the program's malloc, so the
// hooks cannot re-enter the allocator and a profile survives a heap corrupted
// by the program. Reservations are MAP_NORESERVE: pages cost only once touched.
#pragma once

#include <cstddef>

namespace fnprof::rt {

// Returns zeroed memory, or nullptr when the mapping fails.
void* map_memory(size_t bytes);
void unmap_memory(void* p, size_t bytes);

// Asks for transparent huge pages where the mapping's pages are touched from
// now on (where the system allows them only on request, as Debian does).
// For a large calling-context tree: its nodes are read all over, and with
// 4 KiB pages their addresses outgrow the TLB.
void prefer_huge_pages(void* p, size_t bytes);

// Zeroed memory kept until the process ends, packed with other such records
// in shared chunks (thread states, exited threads' trees): a record costs its
// size, not a page and a mapping. Lock-free; nullptr when out of memory.
void* keep_memory(size_t bytes);

}  // namespace fnprof::rt
