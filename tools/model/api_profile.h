// The instrumentation API's figures over one or more dumps: phases
// aggregated by path ("outer > inner"), checkpoints in time order, counters
// with rates, the resource timeline summarized for the run and for each
// phase, and the captured stacks symbolized. Times are seconds since the
// start of each dump's process.
//
// A phase's resource figures come from the sampler's intervals whose midpoint
// falls inside one of its instances, so a phase shorter than the sampling
// interval may have none (has_resources false). Counter throughput during a
// phase is taken from the same intervals (the sampler records the first 16
// counters' values).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dump/dump_reader.h"
#include "symbolize/symbolizer.h"

namespace fnprof {

struct MetaPair {
  std::string key;
  uint64_t type = 0;  // format::MetaType
  int64_t int_value = 0;
  double float_value = 0;
  std::string string_value;
  std::string text() const;  // the value as text
};

struct PhaseInstance {
  uint64_t pid = 0, tid = 0;
  double begin_seconds = 0, duration_seconds = 0;
  bool open = false;
  std::vector<MetaPair> meta, result;
};

struct ResourceUse {
  bool present = false;  // some sampler interval fell inside
  double cpu_avg_percent = 0, cpu_peak_percent = 0;  // of one CPU
  uint64_t rss_avg_bytes = 0, rss_peak_bytes = 0;
  double seconds = 0;  // covered by the intervals used
};

struct CounterRate {
  std::string counter;
  double per_second = 0;
};

struct PhaseStats {
  std::string name;
  std::string path;  // names from the top-level phase down, joined by " > "
  size_t depth = 0;  // 0 for top-level phases
  uint64_t count = 0, open = 0;
  double total_seconds = 0, min_seconds = 0, max_seconds = 0, p95_seconds = 0;
  double avg_seconds() const { return count ? total_seconds / static_cast<double>(count) : 0; }
  ResourceUse resources;
  std::vector<CounterRate> counter_rates;  // counters that moved during the phase
  std::vector<PhaseInstance> instances;    // in begin order per thread
};

struct CheckpointRow {
  std::string name;
  uint64_t pid = 0, tid = 0;
  double at_seconds = 0, since_previous_seconds = 0;  // previous: of the same process
  std::vector<MetaPair> meta;
};

struct CounterRow {
  std::string name;
  bool gauge = false;
  std::string direction;  // "higher", "lower", "" (neutral)
  int64_t value = 0, min = 0, max = 0;  // gauges: last, min, max
  uint64_t updates = 0;
  double per_second = 0;  // counters: value over the run
};

struct ResourceSummary {
  bool present = false;
  size_t samples = 0;
  double interval_seconds = 0;
  double sampler_cpu_seconds = 0;
  double sampler_cpu_percent = 0;  // of one CPU, over the run
  ResourceUse process;
  uint64_t minor_faults = 0, major_faults = 0, voluntary_switches = 0, involuntary_switches = 0;
  uint64_t read_bytes = 0, write_bytes = 0, threads_peak = 0;
  double system_cpu_avg_percent = 0, system_cpu_peak_percent = 0;  // of all CPUs
  uint64_t system_mem_total_bytes = 0, system_mem_used_peak_bytes = 0;
  struct Point {
    double at_seconds, cpu_percent, system_cpu_percent;
    uint64_t rss_bytes, threads;
    std::vector<int64_t> counters;  // values at the sample, as counter_names
  };
  std::vector<Point> timeline;  // per interval (from the second sample on)
  std::vector<std::string> counter_names;  // the counters the sampler records (the first 16)
};

struct CapturedStackRow {
  std::string label;
  uint64_t pid = 0, tid = 0, signal = 0;
  double at_seconds = 0;
  std::vector<Frame> frames;  // innermost first
};

struct ApiProfile {
  std::vector<PhaseStats> phases;  // depth-first, siblings in first-seen order
  uint64_t dropped_phases = 0;
  std::vector<CheckpointRow> checkpoints;
  std::vector<CounterRow> counters;
  ResourceSummary resources;  // of the first dump that has a timeline
  std::vector<CapturedStackRow> stacks;
  bool empty() const {
    return phases.empty() && checkpoints.empty() && counters.empty() && !resources.present && stacks.empty();
  }
};

ApiProfile build_api_profile(const std::vector<Dump>& dumps, Symbolizer& symbolizer);

}  // namespace fnprof
