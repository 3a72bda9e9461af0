// The sum of many dumps as one dump: what perf-report merge writes. It adds
// one dump at a time, so its memory holds the distinct call paths,
// allocation sites, phases and counters, never the dumps themselves.
//
// What is the same across dumps is added up:
// - modules by path and build-id (each laid out once; every address of a
//   dump is moved into its module's place in the sum, since each run loads
//   them elsewhere);
// - threads by name and their order among the dump's threads of that name
//   (a run's second worker with the next run's second worker), their
//   calling-context trees node by node by path of addresses, with each
//   node's call durations (shortest, longest, histogram bucket by bucket);
// - the probe cost, averaged over the runs weighted by their calls;
// - allocation stacks by their frames, sites by stack and thread, the
//   allocation summary field by field (peaks too: the sum of the runs');
// - threads' on-CPU times (summed) and the blocking functions (by address,
//   once);
// - phases by thread and path (one instance each, holding the summed
//   duration; their metadata is left out), counters by name (a gauge keeps
//   the last value, the lowest minimum and the highest maximum).
// Times are converted to the first dump's clock. Time series and single
// events (heap and resource timelines, live blocks, checkpoints, captured
// stacks) are left out, and so is a merged dump's per-run section, which
// tools/compare carries on its own.
//
//   DumpSum sum;
//   for (const std::string& path : paths) sum.add(read_dump(path));
//   write_dump("merged.fnp", sum.result());
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dump/dump_reader.h"

namespace fnprof {

class DumpSum {
 public:
  void add(const Dump& dump);
  // The sum so far: the first dump's process (pid, program, arguments,
  // clock), with the earliest start and the runs' wall times added up.
  const Dump& result();

 private:
  struct NodeKeyHash {
    size_t operator()(const std::pair<uint32_t, uint64_t>& k) const {
      return std::hash<uint64_t>()(k.second * 0x9e3779b97f4a7c15ull ^ k.first);
    }
  };
  // One dump's tids -> the sum's, and how many it had that no thread
  // section names (a thread that only allocated, say).
  struct Tids {
    std::map<uint64_t, uint64_t> of;
    size_t unnamed = 0;
  };
  struct Place {
    uint64_t lo, hi, delta;  // an input module's range and what moves it
  };
  uint64_t ticks(uint64_t t, uint64_t ticks_per_second) const;
  std::vector<Place> places(const Dump& dump);
  static uint64_t moved(const std::vector<Place>& places, uint64_t address);
  void add_threads(const Dump& dump, const std::vector<Place>& places, Tids& tids);
  size_t thread_index(const std::string& name, size_t ordinal, uint64_t tid);
  void add_probe_cost(const Dump& dump);
  void add_alloc(const Dump& dump, const std::vector<Place>& places, Tids& tids);
  void add_api(const Dump& dump, Tids& tids);
  uint32_t string_id(const std::string& s);
  uint64_t tid_of(Tids& tids, uint64_t tid);

  Dump sum_;
  bool first_ = true;
  std::map<std::pair<std::string, std::string>, size_t> modules_;  // (path, build-id) -> index
  std::map<std::pair<std::string, size_t>, size_t> threads_;       // (name, ordinal) -> index
  // Per thread: (parent node, address) -> node.
  std::vector<std::unordered_map<std::pair<uint32_t, uint64_t>, uint32_t, NodeKeyHash>> children_;
  uint64_t probe_calls_ = 0, probe_timed_ = 0;
  double probe_pair_ = 0, probe_inside_ = 0;  // in the sum's ticks, times calls
  std::set<uint64_t> used_tids_;
  std::vector<uint64_t> unnamed_tids_;  // the sum's tid of each dump's k-th such thread
  std::map<std::pair<uint64_t, std::vector<uint64_t>>, uint32_t> stacks_;  // (kind, frames) -> id
  std::map<std::pair<uint32_t, uint64_t>, size_t> sites_;                  // (stack, tid) -> index
  std::unordered_map<std::string, uint32_t> strings_;
  std::map<uint32_t, size_t> counters_;                                      // name -> index
  std::map<uint64_t, size_t> phase_logs_;                                    // tid -> index
  std::map<std::pair<size_t, std::pair<int64_t, uint32_t>>, size_t> phases_;  // (log, (parent, name)) -> index
};

}  // namespace fnprof
