// The blocks currently allocated: address -> (size, site, kind).
//
// A direct map rather than a hash table: the address space is cut into 1 GiB
// regions, and a region that holds a block gets a lazily mapped array with
// one 16-byte entry per 16-byte granule of its addresses (a MAP_NORESERVE
// reservation: only the pages holding entries of real blocks are ever
// touched). Looking a block up is an index computation and one cache line.
// No lock and no CAS per block is needed because the allocator hands an
// address to one owner at a time: the insert after malloc and the remove
// before free of the same address are ordered by the program's own
// synchronization (whoever frees a block got its pointer from whoever
// allocated it). Only the first block in a region pays a mmap and one CAS.
// Tens of millions of blocks cost 16 bytes each plus page granularity; the
// dump finds them by scanning only resident pages (mincore).
//
// The entry must be removed *before* the real free, and a realloc takes the
// old entry out before calling the real realloc: once the allocator has the
// address back, another thread may be handed it and insert its own entry.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace fnprof::alloc {

// A flag kept with a block's kind: allocated before the program's main was
// entered (main_entry.h). The kind itself is the low byte.
inline constexpr uint32_t kBeforeMain = 1u << 16;
inline constexpr uint32_t kKindMask = 0xff;

struct BlockEntry {
  std::atomic<uint64_t> size;
  uint32_t site;
  std::atomic<uint32_t> tag;  // kind | (address & 15) << 8 | kBeforeMain; 0: no block here
};
static_assert(sizeof(BlockEntry) == 16);

bool live_blocks_init();
// False when the block cannot be recorded (out of address-space regions).
bool insert_block(const void* p, uint64_t size, uint32_t site, uint32_t kind);
// `kind` is the AllocKind, with kBeforeMain or not; remove_block and
// for_each_block give it back the same way.
// Takes the block out; false when it was never recorded.
bool remove_block(const void* p, uint64_t* size, uint32_t* site, uint32_t* kind);
// Calls fn(address, size, site, kind) for every recorded block, by address.
// Async-signal-safe; concurrent changes may or may not be seen.
void for_each_block(void (*fn)(void* ctx, uint64_t address, uint64_t size, uint32_t site, uint32_t kind),
                    void* ctx);
// Fork child: forget every block (the parent's are not the child's).
void live_blocks_reset();

}  // namespace fnprof::alloc
