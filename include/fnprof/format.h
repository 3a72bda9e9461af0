// The fnprof dump format: the one definition shared by the runtime (writer)
// and perf-report (reader). docs/FORMAT.md explains it byte by byte.
//
// A dump is a file header followed by sections:
//
//   FileHeader   magic "FNPROF\0\x1a", u32 version, u32 header size
//   Section*     SectionHeader {u32 type, u32 crc32, u64 size} + payload
//   End          a section of type End, holding an EndRecord: without it the
//                file is truncated
//
// All integers are little-endian. Payloads are sequences of LEB128 varints
// and length-prefixed strings, described for each record below by a
// `fields(codec, record)` function: the writer runs it with an encoder, the
// reader with a decoder, so the field order exists exactly once; sizes come
// from it too (`bound()` for the writer, `min_size()` for the reader). Lists
// of records and the delta-encoding of frames and other sequences are
// defined once as well, at the end of this file ("Lists and deltas"). A reader
// skips section types it does not know, which is how the format grows: new
// data arrives as new section types, and `kVersion` changes only when an
// existing record changes meaning. Version 2 made the checksum cover the
// section header's type and size, not only the payload, and gave the end
// section an EndRecord (empty in version 1); perf-report still reads
// version 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace fnprof::format {

inline constexpr char kMagic[8] = {'F', 'N', 'P', 'R', 'O', 'F', '\0', '\x1a'};
inline constexpr uint32_t kVersion = 2;

struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;  // sizeof(FileHeader); lets a later version grow it
};
static_assert(sizeof(FileHeader) == 16);

enum class SectionType : uint32_t {
  End = 0,
  Process = 1,  // one ProcessRecord
  Modules = 2,  // varint count, then ModuleRecord each
  Thread = 3,   // one ThreadRecord, then node_count NodeRecords
  // Written by the allocation tracker (libfnprof_alloc.so) when it is loaded.
  AllocStacks = 4,      // varint count, then count StackRecords, each + frames
  AllocSummary = 5,     // one AllocSummaryRecord
  AllocSites = 6,       // varint count, then count AllocSiteRecords, each + lists
  HeapTimeline = 7,     // one HeapTimelineRecord, then sample_count HeapSampleRecords
  LiveBlocks = 8,       // varint count, then count LiveBlockRecords
  LeakScan = 9,         // one LeakScanRecord, then site_count LeakSiteRecords
  // Written by the instrumentation API and the resource sampler (16 and up).
  ApiStrings = 16,       // varint count, then count strings: ids 0, 1, ...
  Phases = 17,           // one PhaseThreadRecord, then phase_count PhaseRecords
  Checkpoints = 18,      // varint count, then count CheckpointRecords
  Counters = 19,         // varint count, then count CounterRecords
  ResourceTimeline = 20, // one ResourceTimelineRecord, then sample_count ResourceSampleRecords
  CapturedStacks = 21,   // varint count, then count CapturedStackRecords
  // Written by perf-report merge (24-27): the runs a merged dump sums, and
  // each run's figures, which the sections above hold only as their sum.
  MergedRuns = 24,       // varint count, then count MergedRunRecords
  FigureSubjects = 25,   // varint count, then count FigureSubjectRecords
  RunFigures = 26,       // varint count, then count FigureRecords, each + values
  // Written by the runtime beside the call trees (30 and up; format.h,
  // "Call durations" and "Probe cost").
  CallDurations = 30,    // right after its thread section: varint node_count,
                         // then node_count DurationsRecords, each + buckets
  ProbeCost = 31,        // one ProbeCostRecord
  // Waiting versus running (28-29), written by libfnprof.so.
  BlockingFunctions = 28,  // varint count, then count BlockingFunctionRecords
  ThreadCpu = 29,          // varint count, then count ThreadCpuRecords
};

// Every section type and its name, the one list of them: error messages and
// docs/FORMAT.md call sections by these names, and perf-report's table of
// section parsers (tools/dump/dump_reader.cpp) is checked against it.
struct SectionInfo {
  SectionType type;
  std::string_view name;
};

inline constexpr SectionInfo kSectionTypes[] = {
    {SectionType::End, "end"},
    {SectionType::Process, "process"},
    {SectionType::Modules, "modules"},
    {SectionType::Thread, "thread"},
    {SectionType::AllocStacks, "alloc-stacks"},
    {SectionType::AllocSummary, "alloc-summary"},
    {SectionType::AllocSites, "alloc-sites"},
    {SectionType::HeapTimeline, "heap-timeline"},
    {SectionType::LiveBlocks, "live-blocks"},
    {SectionType::LeakScan, "leak-scan"},
    {SectionType::ApiStrings, "api-strings"},
    {SectionType::Phases, "phases"},
    {SectionType::Checkpoints, "checkpoints"},
    {SectionType::Counters, "counters"},
    {SectionType::ResourceTimeline, "resource-timeline"},
    {SectionType::CapturedStacks, "captured-stacks"},
    {SectionType::MergedRuns, "merged-runs"},
    {SectionType::FigureSubjects, "figure-subjects"},
    {SectionType::RunFigures, "run-figures"},
    {SectionType::CallDurations, "call-durations"},
    {SectionType::ProbeCost, "probe-cost"},
    {SectionType::BlockingFunctions, "blocking-functions"},
    {SectionType::ThreadCpu, "thread-cpu"},
};

inline constexpr std::string_view section_name(uint32_t type) {
  for (const SectionInfo& s : kSectionTypes)
    if (static_cast<uint32_t>(s.type) == type) return s.name;
  return "unknown";
}

struct SectionHeader {
  uint32_t type;
  uint32_t crc32;  // section_crc()
  uint64_t size;   // payload bytes following this header
};
static_assert(sizeof(SectionHeader) == 16);

// A type of 0x80000000 or more marks a section a reader must understand: one
// that does not know it refuses the dump instead of skipping it.
inline constexpr uint32_t kRequiredSectionType = 0x8000'0000;

// The CRC-32 (zlib polynomial) of a section: its type and size as stored
// (header bytes 0-3 and 8-15), then its payload, so a flipped type or size
// is caught like a flipped payload byte. `crc` is zlib's crc32_z or the
// runtime's equal copy (runtime/crc32.h: the runtime must not call zlib's,
// which a program can interpose). Version 1 covered the payload alone.
template <class Crc>
uint32_t section_crc(Crc crc, uint32_t type, uint64_t size, const uint8_t* payload) {
  uint8_t covered[sizeof type + sizeof size];
  std::memcpy(covered, &type, sizeof type);
  std::memcpy(covered + sizeof type, &size, sizeof size);
  auto c = crc(0, covered, sizeof covered);
  // zlib returns 0 for a null buffer (its way to start a CRC), which an
  // empty payload may be.
  return static_cast<uint32_t>(size ? crc(c, payload, size) : c);
}

// The end section's payload: how many sections came before it and a CRC-32
// chained over their header checksums in file order (sections_crc()), so a
// section dropped, doubled or moved is caught as surely as a flipped byte.
struct EndRecord {
  uint64_t sections = 0;
  uint64_t sections_crc = 0;
};

template <class Codec>
constexpr void fields(Codec& c, EndRecord& r) {
  c(r.sections), c(r.sections_crc);
}

// The chain: sections_crc(crc, previous, header_crc) for each section in
// turn, starting from 0.
template <class Crc>
uint32_t sections_crc(Crc crc, uint32_t chain, uint32_t header_crc) {
  uint8_t bytes[sizeof header_crc];
  std::memcpy(bytes, &header_crc, sizeof header_crc);
  return static_cast<uint32_t>(crc(chain, bytes, sizeof bytes));
}

enum class ClockSource : uint64_t { Tsc = 0, Monotonic = 1 };

// Flush: fnprof_flush() or FNPROF_FLUSH_INTERVAL, while the program runs on.
enum class DumpReason : uint64_t { Exit = 0, Exec = 1, Signal = 2, Flush = 3 };

// Everything about the process. Ticks are in the dump's clock; ticks_per_second
// converts them (1e9 for the monotonic clock).
struct ProcessRecord {
  uint64_t pid = 0;
  uint64_t ppid = 0;
  std::string_view program;  // basename of the executable
  std::string_view exe;      // absolute path of the executable
  std::string_view cmdline;  // arguments separated by NUL bytes
  uint64_t start_unix_ns = 0;
  uint64_t clock_source = 0;  // ClockSource
  uint64_t ticks_per_second = 0;
  uint64_t start_ticks = 0;  // when the runtime started
  uint64_t end_ticks = 0;    // when this dump was taken
  uint64_t reason = 0;       // DumpReason
  uint64_t signal = 0;       // the signal number when reason is Signal
};

template <class Codec>
constexpr void fields(Codec& c, ProcessRecord& r) {
  c(r.pid), c(r.ppid), c(r.program), c(r.exe), c(r.cmdline);
  c(r.start_unix_ns), c(r.clock_source), c(r.ticks_per_second);
  c(r.start_ticks), c(r.end_ticks), c(r.reason), c(r.signal);
}

// A module (executable or shared library) mapped at some time during the run.
// A runtime address A belongs to the module with lo <= A < hi; the address in
// the file's own virtual address space (what symbolizers take) is A - bias.
struct ModuleRecord {
  std::string_view path;
  std::string_view build_id;  // raw bytes of the GNU build-id note, maybe empty
  uint64_t bias = 0;          // load bias (dlpi_addr)
  uint64_t lo = 0;            // lowest mapped address of its PT_LOAD segments
  uint64_t hi = 0;            // one past the highest
};

template <class Codec>
constexpr void fields(Codec& c, ModuleRecord& r) {
  c(r.path), c(r.build_id), c(r.bias), c(r.lo), c(r.hi);
}

enum ThreadFlags : uint64_t {
  kThreadRunning = 1,    // still running when the dump was taken
  kThreadTruncated = 2,  // the node or depth capacity ran out
};

struct ThreadRecord {
  uint64_t tid = 0;
  std::string_view name;
  uint64_t start_ticks = 0;
  uint64_t end_ticks = 0;  // thread exit, or the dump time when running
  uint64_t flags = 0;      // ThreadFlags
  uint64_t node_count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, ThreadRecord& r) {
  c(r.tid), c(r.name), c(r.start_ticks), c(r.end_ticks), c(r.flags);
  c(r.node_count);
}

// One node of a thread's calling-context tree: a distinct call path. Nodes
// come in creation order, so a parent always precedes its children; node 0 is
// the root (no function) and is not stored. Deltas keep records small: node i
// has parent index i - parent_delta, and its function address is the previous
// node's plus func_delta (zigzag-encoded). Self time is not stored: it is the
// node's inclusive time less its children's.
struct NodeRecord {
  uint64_t parent_delta = 0;
  int64_t func_delta = 0;
  uint64_t calls = 0;
  uint64_t incl_ticks = 0;
};

template <class Codec>
constexpr void fields(Codec& c, NodeRecord& r) {
  c(r.parent_delta), c(r.func_delta), c(r.calls), c(r.incl_ticks);
}

// ---- Call durations --------------------------------------------------------
// Each node also keeps how long its calls took, one by one: the shortest,
// the longest and a histogram of durations in ticks with two buckets per
// power of two, so a percentile read from it is off by at most one bucket
// (half the value at most, in a bucket [2, 3) x 2^k). Bucket 0 holds
// [0, 3) ticks, bucket 1 [3, 4); from there bucket 2k + s (k >= 1, s in
// {0, 1}) holds [(2 + s) << k, (3 + s) << k): 4-6, 6-8, 8-12, 12-16, ...
// The last bucket, 63, holds everything from 3 << 31 ticks (about 2 s at
// 3 GHz) up. The runtime counts each bucket in 32 bits: a context with 2^32
// calls or more in one bucket wraps it, which shows as the node's buckets
// summing to far less than its calls (perf-report then drops the node's
// histogram, keeping the shortest and longest).
inline constexpr uint32_t kDurationBuckets = 64;

// The bucket of a call that took `ticks`: the duration's bit length and the
// bit below its leading one. Branch-free (a compare-and-move at each end and
// a count of leading zeros), as the exit hook runs it.
constexpr uint32_t duration_bucket(uint64_t ticks) {
  uint64_t v = ticks < 2 ? 2 : ticks;
  uint32_t bits = 64 - static_cast<uint32_t>(__builtin_clzll(v));  // >= 2
  uint32_t bucket = 2 * bits - 4 + static_cast<uint32_t>((v >> (bits - 2)) & 1);
  return bucket < kDurationBuckets - 1 ? bucket : kDurationBuckets - 1;
}

// The smallest duration of `bucket`, and one past its largest (UINT64_MAX for
// the last, open bucket).
constexpr uint64_t duration_bucket_floor(uint32_t bucket) {
  if (bucket == 0) return 0;
  uint32_t k = (bucket + 4) / 2 - 2;
  return (uint64_t{2} + (bucket & 1)) << k;
}
constexpr uint64_t duration_bucket_end(uint32_t bucket) {
  return bucket + 1 < kDurationBuckets ? duration_bucket_floor(bucket + 1) : UINT64_MAX;
}
static_assert(duration_bucket(0) == 0 && duration_bucket(2) == 0 && duration_bucket(3) == 1);
static_assert(duration_bucket(4) == 2 && duration_bucket(5) == 2 && duration_bucket(6) == 3);
static_assert(duration_bucket(11) == 4 && duration_bucket(12) == 5 && duration_bucket(16) == 6);
static_assert(duration_bucket_floor(1) == 3 && duration_bucket_floor(5) == 12 && duration_bucket_floor(6) == 16);
static_assert(duration_bucket(duration_bucket_floor(62)) == 62 && duration_bucket(UINT64_MAX) == 63);

// A node's durations, in the call-durations section that follows its
// thread's section, node for node (node 1 first, as in the thread section).
// bucket_count DurationBucketRecords follow: the non-empty buckets in
// increasing order, each bucket index the previous one's plus bucket_delta
// (the first's is bucket_delta). A node without a finished call has
// min_ticks = max_ticks = 0 and no buckets.
struct DurationsRecord {
  uint64_t min_ticks = 0;
  uint64_t max_ticks = 0;
  uint64_t bucket_count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, DurationsRecord& r) {
  c(r.min_ticks), c(r.max_ticks), c(r.bucket_count);
}

struct DurationBucketRecord {
  uint64_t bucket_delta = 0;
  uint64_t count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, DurationBucketRecord& r) {
  c(r.bucket_delta), c(r.count);
}

// ---- Probe cost --------------------------------------------------------------
// What the hooks cost a call on this machine, measured by the runtime at
// start-up (runtime/probe_cost.cpp), in thousandths of a tick. Of what a call
// costs more with its enter and exit hooks (pair), `inside` falls between
// the two clock reads, so in the call's own measured time; the rest (pair -
// inside) falls in its caller's. perf-report subtracts both (docs/REPORTS.md,
// "Probe cost").
struct ProbeCostRecord {
  uint64_t pair_milliticks = 0;
  uint64_t inside_milliticks = 0;
  uint64_t calls = 0;  // hook pairs timed to measure it
};

template <class Codec>
constexpr void fields(Codec& c, ProbeCostRecord& r) {
  c(r.pair_milliticks), c(r.inside_milliticks), c(r.calls);
}

// ---- Waiting versus running ---------------------------------------------
// libfnprof.so interposes the libc calls that block (runtime/blocking_calls.cpp)
// and records each call that may have waited as a leaf node of the calling
// thread's tree, whose function is the libc function's runtime address. The
// blocking-functions section lists those addresses, so a reader knows which
// nodes are time spent waiting and what for; the thread-cpu section gives
// each thread's on-CPU time, from the kernel's per-thread CPU clock.

// What a blocking call waits for.
enum class WaitKind : uint64_t {
  Join = 1,       // another thread's end (pthread_join)
  Lock = 2,       // a mutex, read-write lock or semaphore held by another thread
  Condition = 3,  // a condition variable or barrier
  Sleep = 4,      // a timed sleep
  Poll = 5,       // file descriptors becoming ready (poll, select, epoll)
  Io = 6,         // a read, write, send, receive, accept or connect
  Child = 7,      // a child process (wait, waitpid, waitid)
};

// One interposed libc function: its runtime address (the func of the nodes
// that record its calls) and name.
struct BlockingFunctionRecord {
  uint64_t address = 0;
  uint64_t kind = 0;  // WaitKind
  std::string_view name;
};

template <class Codec>
constexpr void fields(Codec& c, BlockingFunctionRecord& r) {
  c(r.address), c(r.kind), c(r.name);
}

// A thread's on-CPU time (CLOCK_THREAD_CPUTIME_ID) at its end, or at the dump
// for a thread still running. (tid, start_ticks) name the thread section it
// belongs to.
struct ThreadCpuRecord {
  uint64_t tid = 0;
  uint64_t start_ticks = 0;
  uint64_t cpu_ns = 0;
};

template <class Codec>
constexpr void fields(Codec& c, ThreadCpuRecord& r) {
  c(r.tid), c(r.start_ticks), c(r.cpu_ns);
}

// ---- Allocation tracker --------------------------------------------------
// libfnprof_alloc.so interposes the allocator and records, per allocation
// site, what was allocated and freed. A site is an interned call stack plus
// the thread that allocated; frees are charged to the site that allocated the
// block, whichever thread frees it. Sizes are the sizes the program asked for.

// How a block was allocated; freeing it another way is a mismatch.
enum class AllocKind : uint64_t { Malloc = 1, New = 2, NewArray = 3 };

enum class StackKind : uint64_t {
  ReturnAddresses = 0,  // unwound: frame 0 is malloc's return address, then
                        // each caller's (point one byte back for the call line)
  FunctionEntries = 1,  // from the function profile's shadow stack: entry
                        // addresses of the open instrumented functions
};

// A call stack, innermost frame first. Ids are small and increasing but may
// have gaps; each record's id is the previous record's id plus id_delta (the
// first's is id_delta). frame_count frames follow the record (encode_frames:
// frame i minus frame i-1, frame -1 being 0).
struct StackRecord {
  uint64_t id_delta = 0;
  uint64_t kind = 0;  // StackKind
  uint64_t frame_count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, StackRecord& r) {
  c(r.id_delta), c(r.kind), c(r.frame_count);
}

enum class AllocStackMode : uint64_t { Auto = 0, Unwind = 1, Shadow = 2 };

enum AllocFlags : uint64_t {
  kAllocTruncated = 1,  // a table ran out of room: some allocations are missing
};

// Process totals. Counts cover the blocks the tracker saw allocated; a free
// of any other block (allocated before the tracker started, or by the parent
// of a fork child) is only counted in untracked_frees.
struct AllocSummaryRecord {
  uint64_t allocations = 0;
  uint64_t frees = 0;
  uint64_t bytes_allocated = 0;
  uint64_t bytes_freed = 0;
  uint64_t live_blocks = 0;  // at the dump
  uint64_t live_bytes = 0;
  uint64_t peak_live_bytes = 0;
  uint64_t peak_ticks = 0;   // when the peak was first reached
  uint64_t temporary = 0;    // blocks freed before their thread allocated again
  uint64_t mismatched = 0;   // frees of the wrong kind (new/free, new[]/delete...)
  uint64_t untracked_frees = 0;
  uint64_t stack_mode = 0;   // AllocStackMode asked for (FNPROF_ALLOC_STACKS)
  uint64_t stack_depth = 0;  // most frames kept per stack (FNPROF_STACK_DEPTH)
  uint64_t sample_interval_ns = 0;  // FNPROF_SAMPLE_INTERVAL
  uint64_t snapshot_stride = 0;     // heap samples per site snapshot (see AllocSiteRecord)
  uint64_t flags = 0;               // AllocFlags
};

template <class Codec>
constexpr void fields(Codec& c, AllocSummaryRecord& r) {
  c(r.allocations), c(r.frees), c(r.bytes_allocated), c(r.bytes_freed);
  c(r.live_blocks), c(r.live_bytes), c(r.peak_live_bytes), c(r.peak_ticks);
  c(r.temporary), c(r.mismatched), c(r.untracked_frees);
  c(r.stack_mode), c(r.stack_depth), c(r.sample_interval_ns), c(r.snapshot_stride), c(r.flags);
}

// One entry of a site's size histogram (after an AllocSiteRecord, below).
struct SizeBucketRecord {
  uint64_t bucket = 0;
  uint64_t count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, SizeBucketRecord& r) {
  c(r.bucket), c(r.count);
}

// One allocation site; sites are numbered by their order in the section (the
// site index LiveBlockRecords refer to). Live blocks and bytes at the dump are
// allocations - frees and bytes_allocated - bytes_freed.
//
// Two lists follow the record:
//   histogram_count x SizeBucketRecord {bucket, count}: allocations by size,
//     bucket b holding sizes in [2^(b-1), 2^b) (bucket 0: size 0), increasing
//     buckets, empty ones left out;
//   snapshot_count x varint: the site's live bytes at heap timeline samples
//     s, 2s, 3s... (1-based, s = the summary's snapshot_stride): at most 16
//     points spread over the run, to tell a site that keeps growing (a leak
//     in progress) from one that plateaus.
struct AllocSiteRecord {
  uint64_t stack_id = 0;
  uint64_t tid = 0;
  uint64_t allocations = 0;
  uint64_t frees = 0;
  uint64_t bytes_allocated = 0;
  uint64_t bytes_freed = 0;
  uint64_t peak_live_bytes = 0;     // the site's own highest live bytes
  uint64_t bytes_at_peak = 0;       // its live bytes when the process peaked
  uint64_t temporary = 0;
  uint64_t mismatched = 0;          // its blocks freed the wrong way
  uint64_t histogram_count = 0;
  uint64_t snapshot_count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, AllocSiteRecord& r) {
  c(r.stack_id), c(r.tid), c(r.allocations), c(r.frees), c(r.bytes_allocated);
  c(r.bytes_freed), c(r.peak_live_bytes), c(r.bytes_at_peak), c(r.temporary);
  c(r.mismatched), c(r.histogram_count), c(r.snapshot_count);
}

// The process's live heap sampled every interval_ns (taken by the first
// allocation or free after an interval elapsed, so a program that stops
// allocating has no samples until it starts again: the heap did not change).
struct HeapTimelineRecord {
  uint64_t interval_ns = 0;
  uint64_t sample_count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, HeapTimelineRecord& r) {
  c(r.interval_ns), c(r.sample_count);
}

// Deltas from the previous sample (the first sample's from 0 ticks and 0
// bytes: its ticks are absolute, in the dump's clock).
struct HeapSampleRecord {
  uint64_t ticks_delta = 0;
  int64_t live_bytes_delta = 0;
};

template <class Codec>
constexpr void fields(Codec& c, HeapSampleRecord& r) {
  c(r.ticks_delta), c(r.live_bytes_delta);
}

// A block still allocated when the dump was taken, in increasing address
// order (address = previous address + address_delta, the first's from 0).
// The section's count may be written as a padded 10-byte varint.
struct LiveBlockRecord {
  uint64_t address_delta = 0;
  uint64_t size = 0;
  uint64_t site = 0;  // index in the alloc-sites section
  uint64_t kind = 0;  // AllocKind
};

template <class Codec>
constexpr void fields(Codec& c, LiveBlockRecord& r) {
  c(r.address_delta), c(r.size), c(r.site), c(r.kind);
}

// The live blocks sorted into memcheck's leak classes by a conservative scan
// of the process's memory when the dump was taken (runtime/alloc/
// reachability.h): the roots are the writable segments of the loaded modules
// (the tracker's and the runtime's own left out), the stacks of the threads
// that allocated, the dumping thread's registers, thread-local storage; every
// aligned word that points into a live block makes it reached, and reached
// blocks are scanned in turn.
//   still reachable   reached from a root through start pointers only
//   possibly lost     reached, but only through a pointer into its middle
//   indirectly lost   not reached from a root, but pointed to by a lost block
//   definitely lost   nothing outside the lost blocks points to it
// A dump taken at exit holds the answer at exit; one taken by fnprof_flush,
// a periodic dump or a signal (ProcessRecord.reason) holds it for that moment,
// with the program's threads still running.
enum LeakScanFlags : uint64_t {
  kLeakScanMainEntered = 1,  // the program's main had been entered (start-up counts mean something)
  kLeakScanIncomplete = 2,   // the scan could not map its memory: classes hold what it did
};

struct LeakScanRecord {
  uint64_t root_bytes = 0;     // bytes of roots scanned
  uint64_t block_bytes = 0;    // bytes of live blocks scanned
  uint64_t scan_ns = 0;        // how long the scan took (CLOCK_MONOTONIC)
  uint64_t flags = 0;          // LeakScanFlags
  uint64_t site_count = 0;     // LeakSiteRecords that follow
};

template <class Codec>
constexpr void fields(Codec& c, LeakScanRecord& r) {
  c(r.root_bytes), c(r.block_bytes), c(r.scan_ns), c(r.flags), c(r.site_count);
}

// One site's live blocks by class, for sites with live blocks, in increasing
// site order (site = previous site + site_delta, the first's from 0; an index
// in the alloc-sites section). startup_*: those of its live blocks that were
// allocated before the program's main was entered (whatever their class).
struct LeakSiteRecord {
  uint64_t site_delta = 0;
  uint64_t definite_blocks = 0, definite_bytes = 0;
  uint64_t indirect_blocks = 0, indirect_bytes = 0;
  uint64_t possible_blocks = 0, possible_bytes = 0;
  uint64_t reachable_blocks = 0, reachable_bytes = 0;
  uint64_t startup_blocks = 0, startup_bytes = 0;
};

template <class Codec>
constexpr void fields(Codec& c, LeakSiteRecord& r) {
  c(r.site_delta), c(r.definite_blocks), c(r.definite_bytes), c(r.indirect_blocks), c(r.indirect_bytes);
  c(r.possible_blocks), c(r.possible_bytes), c(r.reachable_blocks), c(r.reachable_bytes);
  c(r.startup_blocks), c(r.startup_bytes);
}

// ---- Instrumentation API and resource sampler ----------------------------
// fnprof.h: phases, checkpoints, counters, captured stacks; and the
// background sampler of process and system resources. Names (phase,
// checkpoint, counter names, metadata keys) are ids into the api-strings
// section, which is written after the sections that refer to it.

enum class MetaType : uint64_t { Int = 1, Float = 2, String = 3 };

// A metadata pair; the value's encoding depends on the type: svarint
// (Int), the IEEE-754 bits of a double as a varint (Float), string (String).
struct MetaRecord {
  uint64_t key = 0;   // string id
  uint64_t type = 0;  // MetaType
  int64_t int_value = 0;
  uint64_t float_bits = 0;
  std::string_view string_value;
};

template <class Codec>
constexpr void fields(Codec& c, MetaRecord& r) {
  c(r.key), c(r.type);
  switch (static_cast<MetaType>(r.type)) {
    case MetaType::Int: c(r.int_value); break;
    case MetaType::Float: c(r.float_bits); break;
    default: c(r.string_value); break;
  }
}

// The phases of one thread, in the order they began.
struct PhaseThreadRecord {
  uint64_t tid = 0;
  uint64_t phase_count = 0;
  uint64_t dropped = 0;  // phases not recorded: the thread's log was full
};

template <class Codec>
constexpr void fields(Codec& c, PhaseThreadRecord& r) {
  c(r.tid), c(r.phase_count), c(r.dropped);
}

enum PhaseFlags : uint64_t {
  kPhaseOpen = 1,  // not ended when the dump was taken: duration runs to the dump
};

// One phase. Phase i's parent is phase i - parent_delta (0: none, a top-level
// phase); begin_delta is its begin minus the previous phase's begin (the
// first's is absolute ticks). meta_count MetaRecords (given at the begin)
// then result_count MetaRecords (given at the end) follow.
struct PhaseRecord {
  uint64_t name = 0;  // string id
  uint64_t parent_delta = 0;
  uint64_t begin_delta = 0;
  uint64_t duration_ticks = 0;
  uint64_t flags = 0;  // PhaseFlags
  uint64_t meta_count = 0;
  uint64_t result_count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, PhaseRecord& r) {
  c(r.name), c(r.parent_delta), c(r.begin_delta), c(r.duration_ticks), c(r.flags);
  c(r.meta_count), c(r.result_count);
}

// A checkpoint: ticks_delta is its time minus the previous checkpoint's (the
// first's from 0: absolute). meta_count MetaRecords follow.
struct CheckpointRecord {
  int64_t ticks_delta = 0;
  uint64_t tid = 0;
  uint64_t name = 0;  // string id
  uint64_t meta_count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, CheckpointRecord& r) {
  c(r.ticks_delta), c(r.tid), c(r.name), c(r.meta_count);
}

enum class CounterKind : uint64_t { Counter = 0, Gauge = 1 };
enum class CounterDirection : uint64_t { Neutral = 0, HigherIsBetter = 1, LowerIsBetter = 2 };

// A counter (value: the sum of its deltas) or a gauge (value: the last value
// set; min and max over the run). updates counts the calls. Counters are
// numbered by their order in the section (ResourceSampleRecord refers to them).
struct CounterRecord {
  uint64_t name = 0;       // string id
  uint64_t kind = 0;       // CounterKind
  uint64_t direction = 0;  // CounterDirection
  int64_t value = 0;
  int64_t min = 0;  // gauges only
  int64_t max = 0;
  uint64_t updates = 0;
};

template <class Codec>
constexpr void fields(Codec& c, CounterRecord& r) {
  c(r.name), c(r.kind), c(r.direction), c(r.value), c(r.min), c(r.max), c(r.updates);
}

// The resource sampler's settings and totals. Samples are taken every
// interval_ns; when the run outgrows the buffer, every other sample is
// dropped and the interval doubles (stride counts the doublings' product).
struct ResourceTimelineRecord {
  uint64_t interval_ns = 0;  // FNPROF_SAMPLE_INTERVAL, times stride
  uint64_t sample_count = 0;
  uint64_t stride = 1;
  uint64_t sampler_cpu_ns = 0;  // CPU time of the sampler thread itself
  uint64_t cpus = 0;            // online CPUs (system CPU % is of all of them)
  uint64_t mem_total_bytes = 0; // MemTotal
};

template <class Codec>
constexpr void fields(Codec& c, ResourceTimelineRecord& r) {
  c(r.interval_ns), c(r.sample_count), c(r.stride), c(r.sampler_cpu_ns), c(r.cpus), c(r.mem_total_bytes);
}

// One sample. Every field is the difference from the previous sample's (the
// first's from 0): ticks, and the process's cumulative CPU time (user,
// system, in µs), page faults, context switches and I/O bytes only grow;
// rss, threads, the system's memory available and the counter values are
// signed. The system CPU figures are /proc/stat jiffies (busy = total - idle
// - iowait). counter_count svarints follow: the values of counters 0, 1, ...
// (gauges: their last value) minus the previous sample's.
struct ResourceSampleRecord {
  uint64_t ticks_delta = 0;
  uint64_t user_us_delta = 0;
  uint64_t system_us_delta = 0;
  int64_t rss_bytes_delta = 0;
  uint64_t minor_faults_delta = 0;
  uint64_t major_faults_delta = 0;
  uint64_t voluntary_switches_delta = 0;
  uint64_t involuntary_switches_delta = 0;
  uint64_t read_bytes_delta = 0;
  uint64_t write_bytes_delta = 0;
  int64_t threads_delta = 0;
  uint64_t system_busy_jiffies_delta = 0;
  uint64_t system_total_jiffies_delta = 0;
  int64_t system_mem_available_delta = 0;
  uint64_t counter_count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, ResourceSampleRecord& r) {
  c(r.ticks_delta), c(r.user_us_delta), c(r.system_us_delta), c(r.rss_bytes_delta);
  c(r.minor_faults_delta), c(r.major_faults_delta), c(r.voluntary_switches_delta);
  c(r.involuntary_switches_delta), c(r.read_bytes_delta), c(r.write_bytes_delta), c(r.threads_delta);
  c(r.system_busy_jiffies_delta), c(r.system_total_jiffies_delta), c(r.system_mem_available_delta);
  c(r.counter_count);
}

// A stack stored by fnprof_capture_stack() or a fatal signal, innermost frame
// first: frame_count frames follow (encode_frames: svarints, frame i minus
// frame i-1, frame -1 being 0).
struct CapturedStackRecord {
  uint64_t ticks = 0;
  uint64_t tid = 0;
  std::string_view label;
  uint64_t kind = 0;    // StackKind
  uint64_t signal = 0;  // the fatal signal that captured it, 0 for the API
  uint64_t frame_count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, CapturedStackRecord& r) {
  c(r.ticks), c(r.tid), c(r.label), c(r.kind), c(r.signal), c(r.frame_count);
}

// ---- Merged runs (perf-report merge) --------------------------------------
// A merged dump's other sections hold the sum of its runs; these hold what a
// comparison needs of each run on its own (perf-report diff's U test works
// on per-run values). Figures are keyed by names, not addresses, as in
// perf-report diff: the codes of subjects and measures are listed in
// docs/FORMAT.md.

enum MergedRunFlags : uint64_t {
  kRunHasCalls = 1,    // the run recorded function calls
  kRunHasHeap = 2,     // ... allocations
  kRunLeaksKnown = 4,  // every process of the run exited, so live blocks are leaks
};

// One run, in the order the runs were merged; runs are numbered 0, 1, ...
struct MergedRunRecord {
  std::string_view label;  // the run's first dump
  uint64_t start_unix_ns = 0;
  uint64_t flags = 0;  // MergedRunFlags
};

template <class Codec>
constexpr void fields(Codec& c, MergedRunRecord& r) {
  c(r.label), c(r.start_unix_ns), c(r.flags);
}

// What a figure is about; subjects are numbered 1, 2, ... by their order
// (0 is the program itself). A calling context (subject 2) has no key: it
// is the context `parent` (0: the thread's root) calling the function
// subject `function`; both come before it.
struct FigureSubjectRecord {
  uint64_t subject = 0;  // code: 1 function, 2 context, 3 site, 4 phase, 5 counter, 6 benchmark
  std::string_view key;  // function: name, "\n", module file name; others: the name
  uint64_t parent = 0;
  uint64_t function = 0;
  uint64_t direction = 0;  // counters: CounterDirection
};

template <class Codec>
constexpr void fields(Codec& c, FigureSubjectRecord& r) {
  c(r.subject), c(r.key), c(r.parent), c(r.function), c(r.direction);
}

enum FigureFlags : uint64_t {
  kFigureEveryRun = 1,  // one value follows, every run's
};

// One figure of one subject: count FigureValueRecords follow, for the runs
// that have it, in increasing run order.
struct FigureRecord {
  uint64_t subject = 0;  // 0: the program
  uint64_t measure = 0;  // code, docs/FORMAT.md
  uint64_t flags = 0;    // FigureFlags
  uint64_t count = 0;
};

template <class Codec>
constexpr void fields(Codec& c, FigureRecord& r) {
  c(r.subject), c(r.measure), c(r.flags), c(r.count);
}

// run = the previous value's run + run_delta (the first's from 0); the value
// is a double's IEEE-754 bits.
struct FigureValueRecord {
  uint64_t run_delta = 0;
  uint64_t bits = 0;
};

template <class Codec>
constexpr void fields(Codec& c, FigureValueRecord& r) {
  c(r.run_delta), c(r.bits);
}

// ---- Encoding primitives -------------------------------------------------

inline constexpr size_t kMaxVarint = 10;

inline uint8_t* put_varint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v) | 0x80;
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

inline uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t unzigzag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// Encodes records into a caller-provided buffer that has room for them
// (`bound()` gives an upper limit), so the runtime can encode into its own
// memory without malloc.
class Encoder {
 public:
  explicit Encoder(uint8_t* out) : p_(out) {}
  void operator()(uint64_t v) { p_ = put_varint(p_, v); }
  void operator()(int64_t v) { p_ = put_varint(p_, zigzag(v)); }
  void operator()(std::string_view s) {
    p_ = put_varint(p_, s.size());
    // An empty view may have no data at all, and memcpy's source must not be
    // null even for 0 bytes (UBSan).
    if (!s.empty()) std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  uint8_t* pos() const { return p_; }

 private:
  uint8_t* p_;
};

// Upper bound of a record's encoded size.
class SizeBound {
 public:
  void operator()(uint64_t) { n_ += kMaxVarint; }
  void operator()(int64_t) { n_ += kMaxVarint; }
  void operator()(std::string_view s) { n_ += kMaxVarint + s.size(); }
  size_t size() const { return n_; }

 private:
  size_t n_ = 0;
};

template <class Record>
size_t bound(Record r) {
  SizeBound b;
  fields(b, r);
  return b.size();
}

// Lower bound of a record's encoded size: one byte per varint or svarint and
// one (the length) per string, which is exactly what an all-zero record
// takes. Derived from fields(), so it follows the records as they change; a
// reader uses it to reject a count the rest of a payload cannot hold
// (count_fits() below) before it allocates anything.
class MinSize {
 public:
  constexpr void operator()(uint64_t) { ++n_; }
  constexpr void operator()(int64_t) { ++n_; }
  constexpr void operator()(std::string_view) { ++n_; }
  constexpr size_t size() const { return n_; }

 private:
  size_t n_ = 0;
};

// A record type, or a bare field of a list (uint64_t: varint, int64_t:
// svarint, std::string_view: string).
template <class Item>
constexpr size_t min_size() {
  if constexpr (std::is_integral_v<Item> || std::is_same_v<Item, std::string_view>) {
    return 1;
  } else {
    Item r{};
    MinSize m;
    fields(m, r);
    return m.size();
  }
}

// Decodes records from a payload. Never reads past `end`; on malformed input
// it stops, sets ok() false and yields zeros and empty strings.
class Decoder {
 public:
  Decoder(const uint8_t* begin, const uint8_t* end) : p_(begin), end_(end) {}
  void operator()(uint64_t& v) { v = varint(); }
  void operator()(int64_t& v) { v = unzigzag(varint()); }
  void operator()(std::string_view& s) {
    uint64_t n = varint();
    if (n > static_cast<uint64_t>(end_ - p_)) return fail(), void(s = {});
    s = {reinterpret_cast<const char*>(p_), static_cast<size_t>(n)};
    p_ += n;
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return fail(), 0;
      uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail(), 0;
  }
  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

 private:
  void fail() { ok_ = false, p_ = end_; }
  const uint8_t* p_;
  const uint8_t* end_;
  bool ok_ = true;
};

// ---- Lists and deltas ------------------------------------------------------
// A list is a count, then that many items. The count is either a varint in
// front of the items (the modules section: count, then ModuleRecords) or a
// field of the record the items follow (a ThreadRecord's node_count, a
// StackRecord's frame_count). Items are records or bare fields. Nothing marks
// where an item ends: the reader knows each item's fields from fields().
//
// A count comes from the file, so a reader believes it only when that many
// items fit in the bytes left, each taking at least min_size<Item>().
template <class Item>
constexpr bool count_fits(uint64_t count, size_t remaining) {
  return count <= remaining / min_size<Item>();
}

// Sequences of absolute values (a stack's frames, the function addresses of
// consecutive call-tree nodes, heap sample times, the addresses of sorted
// live blocks) are stored as differences: each value minus the previous one,
// the first minus 0, so nearby values take a byte or two. The arithmetic
// wraps (64-bit), so any sequence round-trips. Delta is int64_t (an svarint
// field, for values that go up and down) or uint64_t (a varint, for values
// that never decrease). Writer and reader keep one codec per sequence.
template <class Delta>
class DeltaCodec {
 public:
  constexpr Delta encode(uint64_t value) {
    Delta d = static_cast<Delta>(value - prev_);
    prev_ = value;
    return d;
  }
  constexpr uint64_t decode(Delta d) {
    prev_ += static_cast<uint64_t>(d);
    return prev_;
  }

 private:
  uint64_t prev_ = 0;
};

// A stack's frames (after a StackRecord or a CapturedStackRecord): frame_count
// svarints, frame i minus frame i-1 (frame -1 is 0), innermost first. Needs
// room for frames_bound(count) bytes.
inline constexpr size_t frames_bound(size_t count) { return count * kMaxVarint; }

template <class Frame>
void encode_frames(Encoder& e, const Frame* frames, size_t count) {
  DeltaCodec<int64_t> delta;
  for (size_t i = 0; i < count; ++i) e(delta.encode(frames[i]));
}

// Calls out(frame) for each of `count` frames. On malformed input the decoder
// fails (ok() false) and the frames left come out as repeats of the last.
template <class Out>
void decode_frames(Decoder& d, uint64_t count, Out&& out) {
  DeltaCodec<int64_t> delta;
  for (uint64_t i = 0; i < count; ++i) {
    int64_t v;
    d(v);
    out(delta.decode(v));
  }
}

}  // namespace fnprof::format
