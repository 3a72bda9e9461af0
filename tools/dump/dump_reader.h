// Reads a dump file into memory, validating every byte of it. Errors are
// DumpError exceptions whose what() is one line naming the file and the
// problem, e.g. "run.fnp: truncated section 'thread' at byte 81920 (expected
// 4096 more bytes)".
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fnprof {

// A dump perf-report cannot read: which file, what is wrong, and where. The
// one error of the dump reader, whichever part of the file or section reader
// finds the problem; what() is the whole line.
class DumpError : public std::runtime_error {
 public:
  // What the problem is in: the file as a whole, or the part that begins at
  // offset().
  enum class Part { File, FileHeader, SectionHeader, Section };

  // "<path>: <problem>", about the file as a whole ("cannot open: ...", "no
  // process section"); `offset` is where reading stopped, when it matters.
  DumpError(std::string path, const std::string& problem, uint64_t offset = 0);
  // "<path>: truncated <part> at byte <offset> (expected <missing> more bytes)"
  static DumpError truncated(std::string path, Part part, uint64_t offset, uint64_t missing,
                             uint32_t section = 0);
  // "<path>: corrupt <part> at byte <offset> (<why>)"
  static DumpError corrupt(std::string path, Part part, uint64_t offset, const std::string& why,
                           uint32_t section = 0);

  const std::string& path() const { return path_; }
  Part part() const { return part_; }
  uint64_t offset() const { return offset_; }
  // The section's type (format::SectionType), for Part::Section.
  uint32_t section() const { return section_; }

 private:
  DumpError(std::string path, Part part, uint64_t offset, uint32_t section, const std::string& message);

  std::string path_;
  Part part_;
  uint64_t offset_;
  uint32_t section_;
};

struct ProcessInfo {
  uint64_t pid = 0, ppid = 0;
  std::string program, exe;
  std::vector<std::string> args;
  uint64_t start_unix_ns = 0;
  uint64_t clock_source = 0;  // format::ClockSource
  uint64_t ticks_per_second = 0;
  uint64_t start_ticks = 0, end_ticks = 0;
  uint64_t reason = 0, signal = 0;  // format::DumpReason
};

struct Module {
  std::string path, build_id;
  uint64_t bias = 0, lo = 0, hi = 0;
};

struct CallNode {
  uint32_t parent = 0;  // index in Thread::nodes; the root is its own parent
  uint64_t func = 0;    // runtime address; 0 for the root
  uint64_t calls = 0;
  uint64_t incl_ticks = 0;
};

// A node's finished calls by duration (format.h, "Call durations").
struct CallDurations {
  uint64_t min_ticks = 0, max_ticks = 0;
  std::vector<uint64_t> buckets;  // count per bucket, up to the last non-empty one
};

struct Thread {
  uint64_t tid = 0;
  std::string name;
  uint64_t start_ticks = 0, end_ticks = 0, flags = 0;
  std::vector<CallNode> nodes;  // nodes[0] is the root
  // On-CPU time at its end (or the dump), from the thread-cpu section;
  // absent in dumps written before it.
  std::optional<uint64_t> cpu_ns;
  // Parallel to nodes when the dump has the thread's call-durations section
  // (older runtimes did not write one), else empty.
  std::vector<CallDurations> durations;
};

// A libc function the runtime interposes because it blocks; its calls are
// nodes whose func is `address` (format.h, blocking-functions).
struct BlockingFunction {
  uint64_t address = 0;
  uint64_t kind = 0;  // format::WaitKind
  std::string name;
};

// The hook pair's cost as the runtime measured it (format.h, "Probe cost").
struct ProbeCost {
  double pair_ticks = 0;    // enter + exit hook of one call
  double inside_ticks = 0;  // of which inside the call's own measured time
  uint64_t calls = 0;       // pairs timed
};

// ---- The allocation tracker's sections (alloc_sections.cpp) ----------------
// Empty unless the process ran with libfnprof_alloc.so (fnprof-run).

struct AllocStack {
  uint32_t id = 0;
  uint64_t kind = 0;             // format::StackKind
  std::vector<uint64_t> frames;  // innermost first
};

// An allocation site: a stack plus the thread that allocated there.
// A site's live blocks by memcheck's leak classes (format.h, leak-scan).
enum class LeakClass : size_t { Definite = 0, Indirect = 1, Possible = 2, Reachable = 3 };
inline constexpr size_t kLeakClassCount = 4;

struct LeakClasses {
  uint64_t blocks[kLeakClassCount] = {}, bytes[kLeakClassCount] = {};
  uint64_t startup_blocks = 0, startup_bytes = 0;  // allocated before main, whatever their class
  uint64_t blocks_of(LeakClass c) const { return blocks[static_cast<size_t>(c)]; }
  uint64_t bytes_of(LeakClass c) const { return bytes[static_cast<size_t>(c)]; }
  // Definitely and indirectly lost: the leaks.
  uint64_t lost_blocks() const { return blocks_of(LeakClass::Definite) + blocks_of(LeakClass::Indirect); }
  uint64_t lost_bytes() const { return bytes_of(LeakClass::Definite) + bytes_of(LeakClass::Indirect); }
  void add(const LeakClasses& o) {
    for (size_t i = 0; i < kLeakClassCount; ++i) blocks[i] += o.blocks[i], bytes[i] += o.bytes[i];
    startup_blocks += o.startup_blocks, startup_bytes += o.startup_bytes;
  }
};

struct AllocSite {
  uint32_t stack_id = 0;
  uint64_t tid = 0;
  uint64_t allocations = 0, frees = 0;
  uint64_t bytes_allocated = 0, bytes_freed = 0;
  uint64_t peak_live_bytes = 0;  // the site's own highest
  uint64_t bytes_at_peak = 0;    // its live bytes when the process peaked
  uint64_t temporary = 0, mismatched = 0;
  std::vector<std::pair<uint32_t, uint64_t>> size_histogram;  // (bucket, count), see format.h
  std::vector<uint64_t> snapshots;  // live bytes at heap samples s, 2s, ... (s: snapshot_stride)
  LeakClasses leak;                 // from the leak-scan section, when there is one

  uint64_t live_blocks() const { return allocations - frees; }
  uint64_t live_bytes() const { return bytes_allocated - bytes_freed; }
};

struct AllocSummary {
  uint64_t allocations = 0, frees = 0, bytes_allocated = 0, bytes_freed = 0;
  uint64_t live_blocks = 0, live_bytes = 0;
  uint64_t peak_live_bytes = 0, peak_ticks = 0;
  uint64_t temporary = 0, mismatched = 0, untracked_frees = 0;
  uint64_t stack_mode = 0, stack_depth = 0;  // format::AllocStackMode
  uint64_t sample_interval_ns = 0, snapshot_stride = 1;
  uint64_t flags = 0;  // format::AllocFlags
};

struct HeapSample {
  uint64_t ticks = 0;
  uint64_t live_bytes = 0;
};

struct LiveBlock {
  uint64_t address = 0, size = 0;
  uint32_t site = 0;  // index in AllocProfile::sites
  uint64_t kind = 0;  // format::AllocKind
};

// The leak-scan section's record (format.h, LeakScanRecord).
struct LeakScanInfo {
  bool present = false;  // the dump has a leak-scan section
  uint64_t root_bytes = 0, block_bytes = 0, scan_ns = 0;
  uint64_t flags = 0;  // format::LeakScanFlags
};

struct AllocProfile {
  bool present = false;  // a summary section was read
  LeakScanInfo leak_scan;
  AllocSummary summary;
  std::vector<AllocStack> stacks;  // increasing id (ids may have gaps)
  std::vector<AllocSite> sites;
  std::vector<HeapSample> timeline;
  std::vector<LiveBlock> live_blocks;  // increasing address

  const AllocStack* stack(uint32_t id) const;  // nullptr when unknown
};

// ---- The instrumentation API's sections (phase_sections.cpp) ----------------
// Empty unless the program used fnprof.h or the resource sampler ran. Names
// are ids into `strings`; ticks are absolute, in the dump's clock.

struct MetaValue {
  uint32_t key = 0;   // string id
  uint64_t type = 0;  // format::MetaType
  int64_t int_value = 0;
  double float_value = 0;
  std::string string_value;
};

struct ApiPhase {
  uint32_t name = 0;
  int64_t parent = -1;  // index in the same PhaseLog, -1 for a top-level phase
  uint64_t begin_ticks = 0, duration_ticks = 0;
  bool open = false;  // still open at the dump: duration runs to it
  std::vector<MetaValue> meta, result;
};

struct PhaseLog {
  uint64_t tid = 0;
  uint64_t dropped = 0;
  std::vector<ApiPhase> phases;  // in begin order
};

struct ApiCheckpoint {
  uint64_t ticks = 0, tid = 0;
  uint32_t name = 0;
  std::vector<MetaValue> meta;
};

struct ApiCounter {
  uint32_t name = 0;
  uint64_t kind = 0, direction = 0;  // format::CounterKind, CounterDirection
  int64_t value = 0, min = 0, max = 0;
  uint64_t updates = 0;
};

// Cumulative values at one sample (rss, threads, memory available: current).
struct ResourceSample {
  uint64_t ticks = 0;
  uint64_t user_us = 0, system_us = 0, rss_bytes = 0;
  uint64_t minor_faults = 0, major_faults = 0, voluntary_switches = 0, involuntary_switches = 0;
  uint64_t read_bytes = 0, write_bytes = 0, threads = 0;
  uint64_t system_busy_jiffies = 0, system_total_jiffies = 0, system_mem_available = 0;
  std::vector<int64_t> counters;  // values of counters 0, 1, ... (ApiData::counters)
};

struct ResourceTimeline {
  bool present = false;
  uint64_t interval_ns = 0, stride = 1, sampler_cpu_ns = 0, cpus = 0, mem_total_bytes = 0;
  std::vector<ResourceSample> samples;
};

struct ApiStack {
  uint64_t ticks = 0, tid = 0;
  std::string label;
  uint64_t kind = 0;    // format::StackKind
  uint64_t signal = 0;  // the fatal signal, 0 for fnprof_capture_stack()
  std::vector<uint64_t> frames;  // innermost first
};

struct ApiData {
  std::vector<std::string> strings;
  std::vector<PhaseLog> phases;  // one per thread that had phases
  std::vector<ApiCheckpoint> checkpoints;
  std::vector<ApiCounter> counters;
  ResourceTimeline resources;
  std::vector<ApiStack> stacks;

  const std::string& name(uint32_t id) const;  // "<unknown>" when out of range
  bool empty() const;
};

// ---- A merged dump's runs (merged_sections.cpp) ----------------------------
// Empty unless perf-report merge wrote the dump: then its other sections are
// the sum of these runs, and these are each run's figures (format.h, "Merged
// runs"). Subject and measure codes are tools/compare's to interpret.

struct MergedRun {
  std::string label;
  uint64_t start_unix_ns = 0;
  uint64_t flags = 0;  // format::MergedRunFlags
};

struct FigureSubject {
  uint64_t subject = 0;
  std::string key;
  uint32_t parent = 0;    // a context's: subject number (1-based), 0 for the root
  uint32_t function = 0;  // a context's: subject number of its function
  uint64_t direction = 0;
};

struct RunFigure {
  uint32_t subject = 0;  // 0: the program, else subject number (1-based)
  uint64_t measure = 0;
  bool every_run = false;  // values holds one value, every run's
  std::vector<std::pair<uint32_t, double>> values;  // (run, value), increasing run
};

struct MergedFigures {
  std::vector<MergedRun> runs;
  std::vector<FigureSubject> subjects;
  std::vector<RunFigure> figures;
};

struct Dump {
  std::string path;
  ProcessInfo process;
  std::vector<Module> modules;
  std::vector<Thread> threads;
  std::optional<ProbeCost> probe_cost;  // absent from older dumps and merged ones
  AllocProfile alloc;
  ApiData api;
  MergedFigures merged;
  std::vector<BlockingFunction> blocking_functions;
  // Lines perf-report prints before the report ("<path>: skipping unknown
  // section type 99 at byte 4096").
  std::vector<std::string> warnings;

  // The module that held `address`: the last one recorded covering it, since
  // a later dlopen may reuse the range of an unloaded library.
  const Module* module_of(uint64_t address) const;
  // Written by perf-report merge: it sums merged.runs.
  bool is_merged() const { return !merged.runs.empty(); }
};

Dump read_dump(const std::string& path);
// Reads `bytes` as the contents of the dump file `path` (the fuzz harnesses
// of tests/fuzz/ read mutants from memory).
Dump read_dump(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace fnprof
