// The reachability scan; reachability.h states the method.
#include "reachability.h"

#include <link.h>
#include <sys/uio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../arch_x86_64.h"
#include "../compiler.h"
#include "../runtime_api.h"
#include "arena.h"
#include "live_blocks.h"
#include "thread_stacks.h"
#include "tracker.h"

extern "C" void* __libc_stack_end;

namespace fnprof::alloc {

namespace {

// A block's state is also its class's index in SiteClasses once the scan
// ends: what is still unreached then is definitely lost.
enum State : uint8_t { kUnreached = 0, kIndirect = 1, kPossible = 2, kReachable = 3 };

constexpr size_t kPage = 4096;
constexpr size_t kNone = SIZE_MAX;

// The live blocks in address order, and the work list of blocks to scan.
struct Blocks {
  uint64_t* start;
  uint64_t* end;    // start + size, at least start + 1 (a 0-byte block has one address)
  uint64_t* size;
  uint32_t* site;   // with kBeforeMain in the top bit
  uint8_t* state;
  uint32_t* work;   // each block is pushed at most twice (possible, then reachable)
  size_t count, capacity, work_size;
  uint64_t lowest, highest;  // [start[0], end[count - 1])
  void* memory;
  size_t memory_bytes;
  uint64_t root_bytes, block_bytes;
  // Every 4 KiB page that a block touches -> the blocks touching it, which
  // are consecutive (open addressing; pages in increasing order on insert).
  struct PageBlocks {
    uint64_t page_plus_one;  // 0: empty slot
    uint32_t first, last;
  };
  PageBlocks* pages;
  size_t pages_mask, pages_bytes;
  uint64_t* copy;  // kCopyBytes, for memory that may vanish while it is read
  pid_t pid;
};

constexpr size_t kCopyBytes = 64 * 1024;

FNPROF_ALWAYS_INLINE size_t page_slot(uint64_t page, size_t mask) {
  return static_cast<size_t>((page * 0x9E3779B97F4A7C15ull) >> 20) & mask;
}

// A page table sized for the pages the blocks touch: each block touches
// (end - 1) / 4096 - start / 4096 + 1 pages, consecutive blocks share them.
bool index_pages(Blocks& b) {
  size_t pages = 0;
  uint64_t previous = UINT64_MAX;
  for (size_t i = 0; i < b.count; ++i) {
    uint64_t first = b.start[i] / kPage, last = (b.end[i] - 1) / kPage;
    pages += last - first + 1 - (first == previous);
    previous = last;
  }
  size_t slots = 1024;
  while (slots < 2 * pages) slots *= 2;
  b.pages_bytes = (slots * sizeof(Blocks::PageBlocks) + kPage - 1) & ~(kPage - 1);
  b.pages = static_cast<Blocks::PageBlocks*>(reserve(b.pages_bytes));
  if (!b.pages) return false;
  b.pages_mask = slots - 1;
  Blocks::PageBlocks* current = nullptr;
  for (size_t i = 0; i < b.count; ++i) {
    uint64_t first = b.start[i] / kPage, last = (b.end[i] - 1) / kPage;
    for (uint64_t page = first; page <= last; ++page) {
      if (current && current->page_plus_one == page + 1) {
        current->last = static_cast<uint32_t>(i);
        continue;
      }
      size_t slot = page_slot(page, b.pages_mask);
      while (b.pages[slot].page_plus_one) slot = (slot + 1) & b.pages_mask;
      current = &b.pages[slot];
      *current = {page + 1, static_cast<uint32_t>(i), static_cast<uint32_t>(i)};
    }
  }
  return true;
}

constexpr uint32_t kStartupBit = 1u << 31;

size_t bytes_for(size_t capacity) { return kCopyBytes + capacity * (8 + 8 + 8 + 8 + 4 + 1); }

bool map_blocks(Blocks& b, size_t capacity) {
  b.memory_bytes = (bytes_for(capacity) + kPage - 1) & ~(kPage - 1);
  auto* p = static_cast<char*>(reserve(b.memory_bytes));
  if (!p) return false;
  b.memory = p;
  b.capacity = capacity;
  b.copy = reinterpret_cast<uint64_t*>(p), p += kCopyBytes;
  b.pid = getpid();
  b.start = reinterpret_cast<uint64_t*>(p), p += capacity * 8;
  b.end = reinterpret_cast<uint64_t*>(p), p += capacity * 8;
  b.size = reinterpret_cast<uint64_t*>(p), p += capacity * 8;
  b.work = reinterpret_cast<uint32_t*>(p), p += capacity * 8;  // 2 x 4 bytes per block
  b.site = reinterpret_cast<uint32_t*>(p), p += capacity * 4;
  b.state = reinterpret_cast<uint8_t*>(p);
  return true;
}

void collect(Blocks& b, uint32_t site_count) {
  struct Ctx {
    Blocks* b;
    uint32_t sites;
  } ctx{&b, site_count};
  for_each_block([](void* c, uint64_t address, uint64_t size, uint32_t site, uint32_t kind) {
    auto* x = static_cast<Ctx*>(c);
    Blocks& b = *x->b;
    // A block allocated while the dump is written, or one more than the
    // estimate (blocks allocated since): left out, like the live-blocks
    // section leaves them out.
    if (site >= x->sites || b.count == b.capacity) return;
    b.start[b.count] = address;
    b.end[b.count] = address + (size ? size : 1);
    b.size[b.count] = size;
    b.site[b.count] = site | ((kind & kBeforeMain) ? kStartupBit : 0);
    ++b.count;
  }, &ctx);
  if (b.count) b.lowest = b.start[0], b.highest = b.end[b.count - 1];
}

// The block `p` points into, or kNone. glibc's header of the next chunk
// (reachability.h) does not count.
FNPROF_ALWAYS_INLINE size_t find_block(const Blocks& b, uint64_t p) {
  if (p < b.lowest || p >= b.highest) return kNone;
  const uint64_t page = p / kPage;
  size_t slot = page_slot(page, b.pages_mask);
  while (b.pages[slot].page_plus_one != page + 1) {
    if (!b.pages[slot].page_plus_one) return kNone;  // no block on this page
    slot = (slot + 1) & b.pages_mask;
  }
  size_t lo = b.pages[slot].first, n = b.pages[slot].last - lo + 1;
  while (n > 1) {  // branch-free lower bound: the last start <= p
    size_t half = n / 2;
    lo = b.start[lo + half] <= p ? lo + half : lo;
    n -= half;
  }
  if (p >= b.end[lo] || p < b.start[lo]) return kNone;
  if (p != b.start[lo]) {
    uint64_t size = b.size[lo];
    uint64_t chunk = size + 8 + 15 < 32 ? 32 : (size + 8 + 15) & ~uint64_t{15};
    if (p == b.start[lo] - 16 + chunk) return kNone;
  }
  return lo;
}

// Scanning from the roots and from reached blocks: a start pointer from a
// still reachable place makes a block still reachable, any other pointer
// makes an unreached block possibly lost (memcheck's rule).
FNPROF_ALWAYS_INLINE void reach(Blocks& b, uint64_t p, bool from_reachable) {
  size_t i = find_block(b, p);
  if (i == kNone) return;
  uint8_t s = from_reachable && p == b.start[i] ? kReachable : kPossible;
  if (s <= b.state[i]) return;
  b.state[i] = s;
  b.work[b.work_size++] = static_cast<uint32_t>(i);
}

// Calls fn(word) for every aligned word of [lo, hi). Memory another thread
// may unmap meanwhile (`may_vanish`: a large block, which glibc maps on its
// own and a free unmaps; the stack of a thread that may exit) is copied
// through process_vm_readv, which fails where a plain read would fault, and
// read only as far as it copied.
template <class Fn>
void for_each_word(Blocks& b, uintptr_t lo, uintptr_t hi, bool may_vanish, Fn fn) {
  lo = (lo + 7) & ~uintptr_t{7};
  if (!may_vanish) {
    for (uintptr_t a = lo; a + 8 <= hi; a += 8) fn(*reinterpret_cast<const uint64_t*>(a));
    return;
  }
  while (lo + 8 <= hi) {
    size_t n = (hi - lo < kCopyBytes ? hi - lo : kCopyBytes) & ~size_t{7};
    iovec local{b.copy, n}, remote{reinterpret_cast<void*>(lo), n};
    ssize_t got = process_vm_readv(b.pid, &local, 1, &remote, 1, 0);
    if (got <= 0) return;
    for (size_t k = 0; k < static_cast<size_t>(got) / 8; ++k) fn(b.copy[k]);
    if (static_cast<size_t>(got) < n) return;
    lo += n;
  }
}

constexpr uint64_t kLargeBlock = 64 * 1024;

void scan_root(Blocks& b, uintptr_t lo, uintptr_t hi, bool may_vanish = false) {
  if (hi <= lo) return;
  b.root_bytes += hi - lo;
  for_each_word(b, lo, hi, may_vanish, [&](uint64_t word) { reach(b, word, true); });
}

void drain(Blocks& b) {
  while (b.work_size) {
    uint32_t i = b.work[--b.work_size];
    b.block_bytes += b.size[i];
    const bool from_reachable = b.state[i] == kReachable;
    for_each_word(b, b.start[i], b.start[i] + b.size[i], b.size[i] >= kLargeBlock,
                  [&](uint64_t word) { reach(b, word, from_reachable); });
  }
}

// The pages of [lo, hi) that are mapped and resident, read from hi down,
// stopping at the first unmapped page (a stack grows down from its top:
// below the first hole is not the stack any more). Untouched pages are zero
// and not read.
void scan_stack(Blocks& b, uintptr_t lo, uintptr_t hi, bool may_vanish) {
  if (hi <= lo) return;
  constexpr size_t kChunkPages = 256;
  unsigned char resident[kChunkPages];
  uintptr_t top = (hi + kPage - 1) & ~(kPage - 1);
  while (top > lo) {
    const uintptr_t floor = lo & ~(kPage - 1);
    uintptr_t bottom = top - floor > kChunkPages * kPage ? top - kChunkPages * kPage : floor;
    size_t pages = (top - bottom) / kPage;
    if (mincore(reinterpret_cast<void*>(bottom), top - bottom, resident) != 0) {
      // A hole in this chunk: find the lowest mapped page above it.
      size_t mapped = 0;
      while (mapped < pages &&
             mincore(reinterpret_cast<void*>(top - (mapped + 1) * kPage), kPage, resident + pages - 1 - mapped) == 0)
        ++mapped;
      for (size_t k = 0; k < mapped; ++k) {
        uintptr_t page = top - (k + 1) * kPage;
        if (resident[pages - 1 - k] & 1)
          scan_root(b, page < lo ? lo : page, page + kPage > hi ? hi : page + kPage, may_vanish);
      }
      return;
    }
    for (size_t k = 0; k < pages; ++k) {
      uintptr_t page = bottom + k * kPage;
      if (resident[k] & 1) scan_root(b, page < lo ? lo : page, page + kPage > hi ? hi : page + kPage, may_vanish);
    }
    top = bottom;
  }
}

// ---- Roots --------------------------------------------------------------------

bool contains(const dl_phdr_info* info, uintptr_t address) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && address - lo < ph.p_memsz) return true;
  }
  return false;
}

void own_marker() {}

int scan_module(dl_phdr_info* info, size_t, void* ctx) {
  auto& b = *static_cast<Blocks*>(ctx);
  // The tracker's and the runtime's own data point at their own mappings,
  // and would make the blocks they know of look reached.
  if (contains(info, reinterpret_cast<uintptr_t>(&own_marker)) ||
      contains(info, reinterpret_cast<uintptr_t>(&fnprof_rt_warn_once)))
    return 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_W)) {
      uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
      scan_root(b, lo, lo + ph.p_memsz);
    } else if (ph.p_type == PT_TLS && info->dlpi_tls_data) {
      // This thread's block of the module's thread-local variables.
      uintptr_t lo = reinterpret_cast<uintptr_t>(info->dlpi_tls_data);
      scan_root(b, lo, lo + ph.p_memsz);
    }
  }
  return 0;
}

// The calling thread's control block (glibc's struct pthread, at the thread
// pointer): its DTV and pthread_setspecific arrays are heap blocks.
void scan_thread_control_block(Blocks& b) {
  uintptr_t tp = arch::thread_pointer();
  unsigned char v[2];
  uintptr_t page = tp & ~(kPage - 1);
  uintptr_t hi = tp + arch::kThreadControlBlockBytes;
  if (mincore(reinterpret_cast<void*>(page), ((hi - page + kPage - 1) & ~(kPage - 1)), v) == 0) scan_root(b, tp, hi);
}

// x86-64's red zone: a leaf function may keep data this far below its
// stack pointer (memcheck reads it too).
constexpr uintptr_t kRedZone = 128;

void scan_roots(Blocks& b, const ScanStart& start) {
  dl_iterate_phdr(scan_module, &b);
  scan_thread_control_block(b);
  const auto* registers = start.registers.values;
  scan_root(b, reinterpret_cast<uintptr_t>(registers), reinterpret_cast<uintptr_t>(registers + 6));
  const uint64_t self = static_cast<uint64_t>(gettid());
  // The other threads alive now, as /proc tells them (thread_stacks.h).
  OtherThreads others;
  read_other_threads(&others);
  auto other = [&](uint64_t tid) -> OtherThread* {
    for (size_t k = 0; k < others.count; ++k)
      if (others.threads[k].tid == tid) return &others.threads[k];
    return nullptr;
  };
  bool own_stack = false;
  for (const AllocThread* t = thread_list(); t; t = t->next) {
    if (!t->stack_hi) continue;
    if (t->tid == self) {
      own_stack = true;
      scan_stack(b, start.stack_pointer, t->stack_hi, false);
      continue;
    }
    // A blocked thread from its stack pointer up; one running, or one that
    // has exited (its stack in glibc's cache), all of its stack, stale
    // frames included. The thread may exit meanwhile.
    OtherThread* o = other(t->tid);
    if (o && o->blocked && o->stack_pointer - t->stack_lo < t->stack_hi - t->stack_lo) {
      scan_stack(b, o->stack_pointer - kRedZone, t->stack_hi, true);
      o->stack_hi = 0;  // done
    } else {
      scan_stack(b, t->stack_lo, t->stack_hi, true);
      if (o) o->stack_hi = 0;
    }
  }
  // Threads that never allocated or freed: blocked ones from their stack
  // pointer to the top of its mapping; a running one's stack is unknown.
  for (size_t k = 0; k < others.count; ++k) {
    const OtherThread& o = others.threads[k];
    if (o.blocked && o.stack_hi) {
      // A stack the program allocated (a coroutine's) ends with its block,
      // not with the heap's mapping.
      size_t in_block = find_block(b, o.stack_pointer);
      scan_stack(b, o.stack_pointer - kRedZone, in_block == kNone ? o.stack_hi : b.end[in_block], true);
    }
    if (o.in_syscall) scan_root(b, reinterpret_cast<uintptr_t>(o.args), reinterpret_cast<uintptr_t>(o.args + 6));
  }
  release_other_threads(&others);
  if (!own_stack && static_cast<pid_t>(self) == getpid()) {
    // The main thread before it allocated anything: its top is known.
    scan_stack(b, start.stack_pointer, (reinterpret_cast<uintptr_t>(__libc_stack_end) + kPage - 1) & ~(kPage - 1),
               false);
  }
}

// ---- Lost blocks ----------------------------------------------------------------

// Memcheck's cliques: each block still unreached, in address order, leads
// the blocks only it reaches (start or interior pointers), which are
// indirectly lost, as is a leader another leader reaches later.
void find_indirect(Blocks& b) {
  for (size_t leader = 0; leader < b.count; ++leader) {
    if (b.state[leader] != kUnreached) continue;
    b.work[b.work_size++] = static_cast<uint32_t>(leader);
    while (b.work_size) {
      uint32_t i = b.work[--b.work_size];
      b.block_bytes += b.size[i];
      for_each_word(b, b.start[i], b.start[i] + b.size[i], b.size[i] >= kLargeBlock, [&](uint64_t word) {
        size_t j = find_block(b, word);
        if (j == kNone || j == leader || b.state[j] != kUnreached) return;
        b.state[j] = kIndirect;
        b.work[b.work_size++] = static_cast<uint32_t>(j);
      });
    }
  }
}

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

bool scan_reachability(uint32_t site_count, const ScanStart& start, LeakScan* out) {
  *out = LeakScan{};
  uint64_t began = now_ns();
  size_t sites_bytes = (site_count * sizeof(SiteClasses) + kPage - 1) & ~(kPage - 1);
  out->sites = static_cast<SiteClasses*>(sites_bytes ? reserve(sites_bytes) : nullptr);
  if (sites_bytes && !out->sites) return false;
  out->site_count = site_count;

  uint64_t estimate = 0;
  for (uint32_t i = 0; i < site_count; ++i) {
    const Site& s = site_at(i);
    estimate += s.allocations - s.frees();
  }
  Blocks b{};
  // Room for blocks allocated by other threads since the estimate.
  if (!map_blocks(b, estimate + estimate / 4 + 1024)) {
    release_leak_scan(out);
    return false;
  }
  collect(b, site_count);
  if (!index_pages(b)) {
    release(b.memory, b.memory_bytes);
    release_leak_scan(out);
    return false;
  }
  scan_roots(b, start);
  drain(b);
  find_indirect(b);

  for (size_t i = 0; i < b.count; ++i) {
    SiteClasses& c = out->sites[b.site[i] & ~kStartupBit];
    int k = b.state[i];
    c.blocks[k]++;
    c.bytes[k] += b.size[i];
    if (b.site[i] & kStartupBit) c.startup_blocks++, c.startup_bytes += b.size[i];
  }
  out->complete = b.count < b.capacity;
  out->root_bytes = b.root_bytes;
  out->block_bytes = b.block_bytes;
  release(b.memory, b.memory_bytes);
  release(b.pages, b.pages_bytes);
  out->scan_ns = now_ns() - began;
  return true;
}

void release_leak_scan(LeakScan* scan) {
  release(scan->sites, (scan->site_count * sizeof(SiteClasses) + kPage - 1) & ~(kPage - 1));
  scan->sites = nullptr;
}

}  // namespace fnprof::alloc
