#include "fnprof-run/self_test_measured.h"

#include <algorithm>
#include <string>

#include "model/profile.h"

namespace fnprof::run {

namespace {

// The function's figures over the merged tree, or nullptr when it is absent.
const FunctionStats* stats_of(const Profile& profile, const std::string& name) {
  for (uint32_t id = 0; id < profile.functions.size(); ++id)
    if (profile.functions[id].symbol.function == name) return &profile.merged.functions[id];
  return nullptr;
}

// Blocked time of the calls of `callee` made by `caller`: the call path, not
// only the function, is what is checked.
double blocked_under(const Profile& profile, const std::string& caller, const std::string& callee) {
  double seconds = 0;
  const CallTree& tree = profile.merged;
  for (const ProfileNode& node : tree.nodes) {
    if (node.function == kNoFunction || function_name(profile, node.function) != callee) continue;
    const ProfileNode& parent = tree.nodes[node.parent];
    if (parent.function != kNoFunction && function_name(profile, parent.function) == caller)
      seconds += node.incl_blocked_seconds;
  }
  return seconds;
}

bool has_frame(const HeapSite& site, const std::string& function) {
  return std::any_of(site.frames.begin(), site.frames.end(), [&](const Frame& f) { return f.function == function; });
}

}  // namespace

SelfTestMeasured measure_self_test(const std::vector<Dump>& dumps) {
  Symbolizer symbolizer;
  const Profile profile = build_profile(dumps, symbolizer);
  SelfTestMeasured m;
  m.clock = profile.clock;
  if (!profile.processes.empty()) m.ticks_per_second = static_cast<double>(profile.processes.front().ticks_per_second);
  m.probe_measured = profile.probe.applied;
  m.probe_pair_seconds = profile.probe.pair_seconds;
  m.probe_inside_seconds = profile.probe.inside_seconds;

  if (const FunctionStats* s = stats_of(profile, "spin_20ms")) m.spin_seconds = s->incl_seconds;
  if (const FunctionStats* s = stats_of(profile, "work")) m.work_calls = s->calls, m.work_min_seconds = s->durations.min_seconds();
  if (const FunctionStats* s = stats_of(profile, "tiny")) m.tiny_calls = s->calls, m.tiny_min_seconds = s->durations.min_seconds();
  if (const FunctionStats* s = stats_of(profile, "fib")) m.fib_calls = s->calls;
  if (const FunctionStats* s = stats_of(profile, "counted")) m.counted_calls = s->calls;

  m.leak_scanned = profile.heap.scanned;
  for (const HeapSite& site : profile.heap.sites) {
    if (!has_frame(site, "heap_work")) continue;
    m.heap_allocations += site.counts.allocations;
    m.heap_frees += site.counts.frees;
    m.heap_bytes_allocated += site.counts.bytes_allocated;
    m.heap_bytes_freed += site.counts.bytes_freed;
    if (has_frame(site, "heap_block")) m.heap_block_peak = std::max(m.heap_block_peak, site.counts.peak_live_bytes);
    if (has_frame(site, "leaked_block")) m.heap_leaked_bytes += site.counts.leak.lost_bytes();
  }

  m.sleep_seconds = blocked_under(profile, "sleep_50ms", "nanosleep");
  m.join_seconds = blocked_under(profile, "join_spinner", "pthread_join");
  return m;
}

}  // namespace fnprof::run
