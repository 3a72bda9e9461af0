// Which live blocks the program can still reach: a conservative scan, the
// way memcheck and LeakSanitizer decide, run by the dump writer (at exit, on
// fnprof_flush and periodic dumps, before exec; not in a signal handler,
// which may have interrupted the loader, whose lock dl_iterate_phdr takes),
// off the hot path.
//
// Roots: the writable PT_LOAD segments of every loaded module
// (dl_iterate_phdr; libfnprof_alloc.so's and libfnprof.so's own left out),
// the calling thread's thread-local blocks (each module's PT_TLS block, from
// dl_iterate_phdr) and thread control block, the calling thread's stack from
// where the dump writer entered the tracker (ScanStart: the frames below are
// the tracker's own, whose dead slots hold the addresses of every block it
// just wrote out) and its callee-saved registers taken there (the
// caller-saved ones are dead across the calls that led there), and the
// stacks of the other threads. Those are told by /proc without stopping the
// threads (thread_stacks.h): a thread blocked in a system call (a worker
// waiting on a condition variable, a lock, I/O or a sleep: the usual state of
// a thread still alive at exit) is read from its stack pointer, less x86-64's
// 128-byte red zone, to the top of its stack mapping, which for a glibc
// thread also holds its static TLS and its control block (to the end of the
// heap block, for a stack the program allocated), and the argument
// registers of its call are roots too; whether or not it ever allocated. A
// thread the tracker saw allocate or free whose stack pointer is not known
// (running on a CPU at that moment, or exited with its stack still mapped in
// glibc's cache, which memcheck reads too) is read whole, from the stack
// mapping recorded when it first allocated, stale frames below its stack
// pointer included. Not scanned: the other threads' callee-saved registers
// (in the kernel's copy of their state, which only ptrace reads: LSan stops
// the world with ptrace to get them; a pointer held only in such a register
// of a blocked thread at exit is missed, and its block reported lost), a
// running thread's registers, the stack of a running thread that never
// allocated or freed, the main thread's thread-local blocks when another
// thread writes the dump, memory the program maps itself, and blocks the
// tracker did not see (allocated before it started or while it was paused).
// Of a thread stack only the pages it has touched are read (mincore), so
// reading costs what the stacks hold. Other threads keep running during a
// scan: one at exit sees the heap as they leave it, one at a flush a moment
// of it (a large block freed meanwhile is skipped if it is unmapped, not
// read).
//
// Every aligned 8-byte word of a root, then of each reached block, that
// points into a live block reaches it: at its first byte (a start pointer)
// or inside it (an interior pointer). Classes follow memcheck's default
// (--leak-check-heuristics none; its summary's four lines):
//   still reachable: reached through start pointers only, from a root or from
//                    a still reachable block;
//   possibly lost:   reached, but some pointer on every way there is interior;
//   indirectly lost: not reached, but pointed to (start or interior) by a
//                    block that is lost;
//   definitely lost: the rest; of a cycle of blocks with no pointer from
//                    outside, the block at the lowest address is definitely
//                    lost and the others indirectly lost (memcheck's cliques,
//                    taken in address order).
// One glibc detail: a pointer to the word where glibc keeps the size of the
// chunk after a block (main_arena's top and bins point there, and for a
// request of 8 mod 16 bytes that word lies inside the block) is not a pointer
// to the block.
//
// Cost: the live blocks are copied, in address order, into arrays in the
// tracker's own mappings, with a hash table from each 4 KiB page a block
// touches to the (consecutive) blocks touching it: a word is looked up by one
// probe of the table, then a binary search among that page's blocks. Memory:
// 37 bytes per live block and 32 per page touched, given back when the scan
// ends.
#pragma once

#include <cstdint>

#include "../arch_x86_64.h"

namespace fnprof::alloc {

// Where the calling thread's part of the scan starts: the stack pointer and
// registers taken when the dump writer entered the tracker, before the
// tracker's own work left block addresses in the frames below.
struct ScanStart {
  uintptr_t stack_pointer;
  arch::CalleeSavedRegisters registers;
};

// A site's live blocks by class (format.h, LeakSiteRecord).
struct SiteClasses {
  uint64_t blocks[4];  // definite, indirect, possible, reachable
  uint64_t bytes[4];
  uint64_t startup_blocks, startup_bytes;
};

struct LeakScan {
  SiteClasses* sites;  // `site_count` entries, in the tracker's mappings
  uint32_t site_count;
  uint64_t root_bytes, block_bytes, scan_ns;
  bool complete;
};

// Scans for the sites below `site_count`; false when it has no memory to
// work in. The caller releases the result with release_leak_scan.
bool scan_reachability(uint32_t site_count, const ScanStart& start, LeakScan* out);
void release_leak_scan(LeakScan* scan);

}  // namespace fnprof::alloc
