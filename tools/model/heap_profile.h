// The allocation tracker's figures over one or more dumps: process totals,
// allocation sites merged by their symbolized call stack, the calling-context
// tree of allocated bytes and the live heap over time.
//
// A site in a dump is a stack plus the allocating thread; here sites with the
// same symbolized frames (function, file, line of every frame, inlined frames
// included) merge across threads and processes, so the same call path counts
// once however many threads or forked children took it. Per-thread sites
// (ThreadHeap) keep the thread apart. Unwound stacks are looked up one byte
// before each return address, so a frame's line is the line of the call.
//
//   fnprof::HeapProfile heap = fnprof::build_heap_profile(dumps, symbolizer);
//   for (size_t i : fnprof::top_sites(heap.sites, fnprof::AllocSortKey::Bytes, 10, heap.scanned))
//     std::cout << heap.sites[i].frames.front().function << '\n';
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dump/dump_reader.h"
#include "symbolize/symbolizer.h"

namespace fnprof {

struct AllocCounts {
  uint64_t allocations = 0, frees = 0;
  uint64_t bytes_allocated = 0, bytes_freed = 0;
  uint64_t peak_live_bytes = 0;  // a site's own highest (summed over merged sites: an upper bound)
  uint64_t bytes_at_peak = 0;    // live bytes when its process's heap peaked
  uint64_t temporary = 0, mismatched = 0;
  LeakClasses leak;  // the live blocks by leak class, when the dump had a leak scan
  uint64_t live_blocks() const { return allocations - frees; }
  uint64_t live_bytes() const { return bytes_allocated - bytes_freed; }
  // What it leaked: with a leak scan the definitely and indirectly lost
  // bytes (still reachable memory is no leak), without one every byte never
  // freed.
  uint64_t leaked_bytes(bool scanned) const { return scanned ? leak.lost_bytes() : live_bytes(); }
  void add(const AllocCounts& other);
};

struct HeapSite {
  std::vector<Frame> frames;  // innermost first; may be empty (no stack)
  size_t naming = 0;          // index of the frame that names the site (naming_frame)
  AllocCounts counts;
  std::array<uint64_t, 65> size_histogram{};  // bucket b: sizes in [2^(b-1), 2^b), 0: size 0
  // The site's live bytes at 16 (or fewer) points spread over the run, summed
  // over merged sites of the first process that had it; empty when the run
  // took no heap samples.
  std::vector<uint64_t> snapshots;
  uint64_t first_pid = 0;
  std::vector<uint64_t> tids;  // threads that allocated here, increasing
};

// One process's totals (AllocSummary) with times in seconds since its start.
struct HeapProcess {
  uint64_t pid = 0;
  std::string end;  // "exit", "signal 15"...: live blocks are leaks only at exit
  AllocCounts totals;
  uint64_t live_blocks = 0, live_bytes = 0;  // at the dump
  double peak_seconds = 0;
  uint64_t untracked_frees = 0;
  bool truncated = false;   // a tracker table ran out of room
  bool scanned = false;     // its dump has a leak scan (totals.leak holds it)
  bool main_entered = false;     // the scan knew when main was entered (start-up counts hold)
  bool scan_incomplete = false;  // the scan ran out of room for some blocks
  double scan_seconds = 0;
  std::string stack_mode;   // "unwind", "shadow"
  struct Point {
    double at_seconds;
    uint64_t live_bytes;
  };
  std::vector<Point> timeline;
};

struct HeapTreeNode {
  std::string function;  // "<root>" for the root
  uint32_t parent = 0;
  std::vector<uint32_t> children;  // by bytes allocated, largest first
  uint64_t allocations = 0, bytes_allocated = 0, live_bytes = 0;  // under this path
  uint64_t lost_bytes = 0;  // definitely and indirectly lost under this path (with a leak scan)
  uint64_t leaked_bytes(bool scanned) const { return scanned ? lost_bytes : live_bytes; }  // as AllocCounts'
};

struct ThreadHeap {
  uint64_t pid = 0, tid = 0;
  std::vector<HeapSite> sites;
};

struct HeapProfile {
  bool present = false;  // some dump had allocation data
  bool scanned = false;  // every process's dump had a leak scan: sites' counts.leak hold their classes
  std::vector<HeapProcess> processes;
  AllocCounts totals;           // summed over processes; peak_live_bytes: the highest process's
  uint64_t live_blocks = 0, live_bytes = 0;
  std::vector<HeapSite> sites;  // merged, in no particular order
  std::vector<ThreadHeap> threads;
  std::vector<HeapTreeNode> tree;  // calling contexts, outermost frame first; tree[0] is the root
};

HeapProfile build_heap_profile(const std::vector<Dump>& dumps, Symbolizer& symbolizer);

// The frame that names a site: the first (innermost) one in the program's own
// code, outside system libraries (/usr, /lib) and system headers
// (/usr/include: inlined std:: code), e.g. the caller of std::vector's
// reallocation rather than std::allocator; the innermost frame when every
// frame is a system one. Its index in frames (0 when there are none).
inline size_t naming_frame(const HeapSite& site) { return site.naming; }

// That frame's function, "<no stack>" for a site without frames.
const std::string& site_name(const HeapSite& site);

// `sites` merged by what a table shows of them: the naming frame and up to
// `callers` of its callers (the allocator's own frames below it and the
// deeper callers above dropped), so that a table has no two rows that read
// alike. Frames of the result start at the naming frame.
std::vector<HeapSite> sites_as_shown(const std::vector<HeapSite>& sites, size_t callers);

enum class AllocSortKey { Bytes, Count, Peak, Leaked, Temporary };

// "bytes", "count", "peak", "leaked", "temporary"; parse returns false for
// anything else.
std::string_view alloc_sort_key_name(AllocSortKey key);
bool parse_alloc_sort_key(std::string_view name, AllocSortKey& key);

// Indices of the sites with a non-zero value for `key`, largest first (ties
// by bytes allocated), at most `limit`.
// `scanned`: the heap's (HeapProfile::scanned), for AllocSortKey::Leaked.
std::vector<size_t> top_sites(const std::vector<HeapSite>& sites, AllocSortKey key, size_t limit, bool scanned);

}  // namespace fnprof
