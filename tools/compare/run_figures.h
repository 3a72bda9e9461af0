// What a comparison compares: each run of a program reduced to figures
// keyed by what they are about, so that two builds whose addresses differ
// still meet. A function is its demangled name and its module's file name; a
// calling context its path of such functions from the thread's root; an
// allocation site its naming frame and two callers by name; phases and
// counters their names.
//
// A run is one dump, or a process with the children it forked (their dumps
// name it as parent); of periodic dumps only the last of each process counts.
// A file of Google Benchmark results (benchmark_results.h) is one run per
// repetition.
//
//   Catalog catalog;
//   std::vector<RunFigures> base = read_runs({"a.fnp", "b.fnp"}, catalog, symbolizer);
//   base[0].values[{Subject::Function, Measure::Calls, id}]
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/profile.h"
#include "symbolize/symbolizer.h"

namespace fnprof {

// Merged dumps store these by value (docs/FORMAT.md, "Merged runs"): add new
// ones at the end, never renumber.
enum class Subject : uint8_t { Program, Function, Context, Site, Phase, Counter, Benchmark };
inline constexpr Subject kLastSubject = Subject::Benchmark;
enum class Measure : uint8_t {
  Calls,
  SelfTime,
  InclTime,
  WallTime,
  Allocations,
  BytesAllocated,
  PeakHeap,
  LeakedBlocks,
  LeakedBytes,
  Duration,  // a phase's, summed over its instances
  Value,     // a counter's (a gauge's last)
  RealTime,  // a benchmark's, per iteration
  CpuTime,
  ReachableBlocks,  // still reachable at exit (the leak scan's class), apart from the leaks; not exact
  ReachableBytes,
};
inline constexpr Measure kLastMeasure = Measure::ReachableBytes;

// Which way a change is worse.
enum class Direction { HigherIsWorse, LowerIsWorse, Neutral };

struct FigureKey {
  Subject subject;
  Measure measure;
  uint32_t id;  // Catalog's id of the subject (0 for the program)
  auto operator<=>(const FigureKey&) const = default;
};

// The subjects of every run of a comparison, each with one id.
class Catalog {
 public:
  uint32_t id(Subject subject, const std::string& key);
  // A calling context: the context `parent` (0: the thread's root) calling
  // function `function` (an id of Subject::Function).
  uint32_t context(uint32_t parent, uint32_t function);

  // How people read it: a function's name, a context's path "main > work",
  // a site's "leaf < caller", a phase's path, a counter's name.
  std::string name(Subject subject, uint32_t id) const;
  // The functions of a context from the root down (ids of Subject::Function),
  // and their names joined by `separator`.
  std::vector<uint32_t> context_functions(uint32_t context) const;
  std::string context_path(uint32_t context, std::string_view separator) const;
  // A function's module file name ("" for others).
  std::string module(Subject subject, uint32_t id) const;
  // The function a context calls, and its depth (1 under the root).
  uint32_t context_function(uint32_t context) const { return contexts_[context].second; }
  // The context it was called from (0: the thread's root); always a smaller
  // id than its own.
  uint32_t context_parent(uint32_t context) const { return contexts_[context].first; }

  // Every subject but contexts, in id order (ids 1, 2, ...), with its key;
  // and how many contexts there are (ids 1 ... contexts()).
  std::vector<std::pair<Subject, const std::string*>> subjects() const;
  size_t contexts() const { return contexts_.size() - 1; }

  Direction direction(const FigureKey& key) const;
  void set_counter_direction(uint32_t counter, Direction direction) { counter_directions_[counter] = direction; }

 private:
  std::map<std::pair<Subject, std::string>, uint32_t> ids_;
  std::map<std::pair<Subject, uint32_t>, const std::string*> keys_;
  std::vector<std::pair<uint32_t, uint32_t>> contexts_{{0, 0}};  // (parent, function); [0] the root
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> context_ids_;
  std::map<uint32_t, Direction> counter_directions_;
};

struct RunFigures {
  std::string label;  // the run's first dump
  uint64_t start_unix_ns = 0;
  bool has_calls = false, has_heap = false, leaks_known = false;
  std::map<FigureKey, double> values;
};

// The figures of one run's profile.
RunFigures run_figures(const Profile& profile, Catalog& catalog);

// The runs among dumps, each as the indices of its dumps: a process with the
// children it forked (their dumps name it as parent), the parent first. A
// merged dump is a set of runs of its own.
std::vector<std::vector<size_t>> group_runs(const std::vector<Dump>& dumps);

// Reads the dumps (and benchmark results), groups them into runs and reduces each (one profile at a
// time, so memory holds figures, not profiles). Notes (superseded dumps)
// are appended to `notes`.
std::vector<RunFigures> read_runs(const std::vector<std::string>& paths, Catalog& catalog, Symbolizer& symbolizer,
                                  std::vector<std::string>& notes);

// True for the figures a program reproduces exactly from run to run when it
// does the same work: calls, allocations, bytes, leaks.
bool deterministic(Measure measure);

// Times, in seconds.
bool is_time(Measure measure);

// "calls", "self time", "bytes allocated"...
std::string_view measure_name(Measure measure);
std::string_view subject_name(Subject subject);

}  // namespace fnprof
