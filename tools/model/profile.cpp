// Builds a Profile: interns functions across dumps, rebuilds each thread's
// tree over function ids, merges the trees by call path and folds them into
// flat per-function figures.
#include "model/profile.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "fnprof/format.h"
#include "model/process_info.h"

namespace fnprof {
namespace {

// Adds call paths to a CallTree, sharing a node when the path already exists.
class TreeMerger {
 public:
  explicit TreeMerger(CallTree& tree) : tree_(tree) {
    if (tree_.nodes.empty()) tree_.nodes.emplace_back();
  }

  // The child of `parent` for `function`, created when new.
  uint32_t child(uint32_t parent, uint32_t function) {
    uint64_t key = (static_cast<uint64_t>(parent) << 32) | function;
    auto [it, inserted] = children_.try_emplace(key, static_cast<uint32_t>(tree_.nodes.size()));
    if (inserted) {
      ProfileNode node;
      node.function = function;
      node.parent = parent;
      tree_.nodes.push_back(std::move(node));
      tree_.nodes[parent].children.push_back(it->second);
    }
    return it->second;
  }

  // Adds a thread's nodes (already mapped to function ids) into the tree,
  // less `probe` ticks of each node's time.
  void add(const Thread& thread, const std::vector<uint32_t>& function_of_node, double seconds_per_tick,
           const std::vector<double>& probe) {
    std::vector<uint32_t> merged(thread.nodes.size(), 0);  // thread node -> tree node
    for (size_t i = 1; i < thread.nodes.size(); ++i) {
      const CallNode& node = thread.nodes[i];
      merged[i] = child(merged[node.parent], function_of_node[i]);
      ProfileNode& target = tree_.nodes[merged[i]];
      target.calls += node.calls;
      const auto raw = static_cast<double>(node.incl_ticks);
      const double taken = std::min(raw, probe[i]);
      target.incl_seconds += (raw - taken) * seconds_per_tick;
      target.probe_seconds += taken * seconds_per_tick;
      if (i < thread.durations.size()) target.durations.add(thread.durations[i], seconds_per_tick);
    }
  }

 private:
  CallTree& tree_;
  std::unordered_map<uint64_t, uint32_t> children_;
};

// What the probe added to each node of a thread, in ticks. A call's measured
// time holds the part of its own hooks between their clock reads (inside)
// and the whole pair of each call made below it: a node with calls c whose
// descendants made d calls loses c * inside + d * pair.
std::vector<double> probe_ticks(const Thread& thread, const ProbeCost* cost) {
  std::vector<double> probe(thread.nodes.size(), 0);
  if (!cost) return probe;
  std::vector<uint64_t> below(thread.nodes.size(), 0);  // calls of the descendants
  for (size_t i = thread.nodes.size() - 1; i > 0; --i)  // children come after parents
    below[thread.nodes[i].parent] += thread.nodes[i].calls + below[i];
  for (size_t i = 1; i < thread.nodes.size(); ++i)
    probe[i] = static_cast<double>(thread.nodes[i].calls) * cost->inside_ticks +
               static_cast<double>(below[i]) * cost->pair_ticks;
  // A node keeps at least its children's compensated time: where the cost
  // measured at start-up is above what this run's hooks took (a frame closed
  // by longjmp or an exception ran fewer hooks than it is charged), the
  // subtraction stops at its children, never making them outgrow it.
  std::vector<double> children(thread.nodes.size(), 0);  // their compensated time
  for (size_t i = thread.nodes.size() - 1; i > 0; --i) {
    const auto raw = static_cast<double>(thread.nodes[i].incl_ticks);
    probe[i] = std::clamp(probe[i], 0.0, std::max(0.0, raw - children[i]));
    children[thread.nodes[i].parent] += raw - probe[i];
  }
  return probe;
}

// Fills in self times, blocked times, the root's total, child order and the
// flat figures.
void finish(CallTree& tree, const std::vector<ProfiledFunction>& functions) {
  const size_t function_count = functions.size();
  auto& nodes = tree.nodes;
  auto blocking = [&](const ProfileNode& n) { return n.function != kNoFunction && functions[n.function].blocking(); };
  // Children come after their parents (TreeMerger): one backward pass finds
  // each node's children final when it reaches the node, takes its self
  // times from them and adds its blocked time to its parent's.
  std::vector<double> probe_self(nodes.size(), 0);
  auto order_children = [&](ProfileNode& node) {
    std::stable_sort(node.children.begin(), node.children.end(),
                     [&](uint32_t a, uint32_t b) { return nodes[a].incl_seconds > nodes[b].incl_seconds; });
  };
  for (size_t i = nodes.size(); i-- > 1;) {
    ProfileNode& node = nodes[i];
    double children = 0, children_probe = 0;
    for (uint32_t c : node.children) children += nodes[c].incl_seconds, children_probe += nodes[c].probe_seconds;
    node.self_seconds = std::max(0.0, node.incl_seconds - children);
    probe_self[i] = std::max(0.0, node.probe_seconds - children_probe);
    order_children(node);
    ProfileNode& parent = nodes[node.parent];
    if (blocking(node)) {
      node.incl_blocked_seconds = node.incl_seconds;
      node.self_blocked_seconds = node.self_seconds;
      parent.self_blocked_seconds += node.incl_seconds;
    }
    parent.incl_blocked_seconds += node.incl_blocked_seconds;
  }
  ProfileNode& root = nodes[0];
  root.incl_seconds = 0;
  for (uint32_t c : root.children) root.incl_seconds += nodes[c].incl_seconds;
  root.self_seconds = 0;
  order_children(root);
  tree.total_seconds = root.incl_seconds;

  tree.functions.assign(function_count, FunctionStats{});
  std::vector<double> function_probe(function_count, 0);  // every call's, for the durations' shift
  walk_with_ancestors(tree, function_count, [&](uint32_t id, const std::vector<uint32_t>& on_path) {
    const ProfileNode& node = nodes[id];
    FunctionStats& stats = tree.functions[node.function];
    stats.calls += node.calls;
    stats.self_seconds += node.self_seconds;
    stats.probe_self_seconds += probe_self[id];
    stats.durations.add(node.durations);
    function_probe[node.function] += node.probe_seconds;
    stats.self_blocked_seconds += node.self_blocked_seconds;
    if (!blocking(node)) stats.running_self_seconds += node.self_seconds;
    if (on_path[node.function] == 0) {
      stats.incl_seconds += node.incl_seconds;
      stats.incl_blocked_seconds += node.incl_blocked_seconds;
    }
    tree.total_calls += node.calls;
    tree.total_self_seconds += node.self_seconds;
    if (blocking(node)) tree.total_blocked_seconds += node.self_seconds;
  });
  // A call's duration loses its share of its node's probe cost: exact for a
  // leaf (each call carries the same hooks), the average share for a node
  // whose calls made different numbers of calls below.
  for (ProfileNode& node : nodes)
    if (node.calls) node.durations.shift(node.probe_seconds / static_cast<double>(node.calls));
  for (size_t f = 0; f < function_count; ++f)
    if (tree.functions[f].calls)
      tree.functions[f].durations.shift(function_probe[f] / static_cast<double>(tree.functions[f].calls));
}

// Interns functions by (module path, file address) across dumps.
class FunctionTable {
 public:
  FunctionTable(std::vector<ProfiledFunction>& functions, Symbolizer& symbolizer)
      : functions_(functions), symbolizer_(symbolizer) {}

  uint32_t id(const Dump& dump, uint64_t runtime_address) {
    const Module* module = dump.module_of(runtime_address);
    ProfiledFunction f;
    f.module = module ? module->path : std::string();
    f.address = module ? runtime_address - module->bias : runtime_address;
    auto [it, inserted] = ids_.try_emplace({f.module, f.address}, static_cast<uint32_t>(functions_.size()));
    if (inserted) {
      f.symbol = symbolizer_.function_at(module, runtime_address);
      functions_.push_back(std::move(f));
    }
    return it->second;
  }

 private:
  std::vector<ProfiledFunction>& functions_;
  Symbolizer& symbolizer_;
  std::map<std::pair<std::string, uint64_t>, uint32_t> ids_;
};

}  // namespace

Profile build_profile(const std::vector<Dump>& dumps, Symbolizer& symbolizer, Timing timing) {
  Profile profile;
  for (const Dump& dump : dumps) {
    if (!dump.probe_cost) {
      ++profile.probe.dumps_without;
    } else if (!profile.probe.applied) {
      const double seconds_per_tick = 1.0 / static_cast<double>(dump.process.ticks_per_second);
      profile.probe.pair_seconds = dump.probe_cost->pair_ticks * seconds_per_tick;
      profile.probe.inside_seconds = dump.probe_cost->inside_ticks * seconds_per_tick;
      profile.probe.applied = timing == Timing::Compensated;
    }
  }
  FunctionTable table(profile.functions, symbolizer);
  TreeMerger merged(profile.merged);
  for (const Dump& dump : dumps) {
    const ProcessInfo& p = dump.process;
    ProcessSummary summary{dump.path, p.pid, p.ppid, p.program, p.exe, p.args, clock_source_name(p.clock_source),
                           p.ticks_per_second, ticks_to_seconds(p.start_ticks, p.end_ticks, p.ticks_per_second),
                           end_reason(p), dump.threads.size()};
    profile.wall_seconds = std::max(profile.wall_seconds, summary.wall_seconds);
    if (profile.clock.empty()) profile.clock = summary.clock;
    if (profile.clock != summary.clock) profile.clock = "mixed";
    profile.processes.push_back(std::move(summary));

    const double seconds_per_tick = 1.0 / static_cast<double>(p.ticks_per_second);
    std::unordered_map<uint64_t, uint32_t> id_of_address;  // saves a module search per node
    // The blocking functions: named as the runtime interposed them (libc's
    // symbol tables may give an alias: __pthread_mutex_lock), and marked.
    for (const BlockingFunction& b : dump.blocking_functions) {
      uint32_t id = table.id(dump, b.address);
      id_of_address.emplace(b.address, id);
      ProfiledFunction& f = profile.functions[id];
      f.wait_kind = b.kind;
      f.symbol.function = b.name;
      f.symbol.same_code_as.clear();
    }
    for (const Thread& thread : dump.threads) {
      std::vector<uint32_t> function_of_node(thread.nodes.size(), kNoFunction);
      for (size_t i = 1; i < thread.nodes.size(); ++i) {
        uint64_t address = thread.nodes[i].func;
        auto [it, inserted] = id_of_address.try_emplace(address, 0);
        if (inserted) it->second = table.id(dump, address);
        function_of_node[i] = it->second;
      }
      ThreadProfile t;
      t.pid = p.pid, t.tid = thread.tid, t.name = thread.name;
      t.wall_seconds = ticks_to_seconds(thread.start_ticks, thread.end_ticks, p.ticks_per_second);
      t.running = thread.flags & format::kThreadRunning;
      t.truncated = thread.flags & format::kThreadTruncated;
      if (thread.cpu_ns) t.cpu_seconds = static_cast<double>(*thread.cpu_ns) * 1e-9;
      const ProbeCost* cost = profile.probe.applied && dump.probe_cost ? &*dump.probe_cost : nullptr;
      std::vector<double> probe = probe_ticks(thread, cost);
      TreeMerger(t.tree).add(thread, function_of_node, seconds_per_tick, probe);
      merged.add(thread, function_of_node, seconds_per_tick, probe);
      profile.threads.push_back(std::move(t));
    }
  }
  // Flat figures need the final function count, known only now.
  for (ThreadProfile& t : profile.threads) finish(t.tree, profile.functions);
  finish(profile.merged, profile.functions);
  for (uint32_t c : profile.merged.nodes[0].children) profile.probe.total_seconds += profile.merged.nodes[c].probe_seconds;
  profile.api = build_api_profile(dumps, symbolizer);
  profile.heap = build_heap_profile(dumps, symbolizer);
  return profile;
}

std::string_view wait_kind_name(uint64_t kind) {
  switch (static_cast<format::WaitKind>(kind)) {
    case format::WaitKind::Join: return "join";
    case format::WaitKind::Lock: return "lock";
    case format::WaitKind::Condition: return "condition";
    case format::WaitKind::Sleep: return "sleep";
    case format::WaitKind::Poll: return "poll";
    case format::WaitKind::Io: return "io";
    case format::WaitKind::Child: return "child";
  }
  return "";
}

std::string_view wait_kind_title(uint64_t kind) {
  switch (static_cast<format::WaitKind>(kind)) {
    case format::WaitKind::Io: return "I/O";
    case format::WaitKind::Child: return "child process";
    default: return wait_kind_name(kind);
  }
}

std::string_view sort_key_name(SortKey key) {
  switch (key) {
    case SortKey::Calls: return "calls";
    case SortKey::Self: return "self";
    case SortKey::Incl: return "incl";
    case SortKey::Avg: return "avg";
  }
  return "?";
}

std::vector<uint32_t> top_functions(const Profile& profile, const std::vector<FunctionStats>& stats,
                                    SortKey key, size_t limit) {
  std::vector<uint32_t> ids;
  for (uint32_t id = 0; id < stats.size(); ++id)
    if (stats[id].calls || stats[id].incl_seconds > 0) ids.push_back(id);
  auto value = [&](uint32_t id) {
    const FunctionStats& s = stats[id];
    switch (key) {
      case SortKey::Calls: return static_cast<double>(s.calls);
      case SortKey::Self: return s.self_seconds;
      case SortKey::Incl: return s.incl_seconds;
      case SortKey::Avg: return s.incl_per_call();
    }
    return 0.0;
  };
  auto before = [&](uint32_t a, uint32_t b) {
    if (value(a) != value(b)) return value(a) > value(b);
    if (stats[a].self_seconds != stats[b].self_seconds) return stats[a].self_seconds > stats[b].self_seconds;
    return profile.functions[a].symbol.function < profile.functions[b].symbol.function;
  };
  if (ids.size() > limit) {
    std::partial_sort(ids.begin(), ids.begin() + static_cast<ptrdiff_t>(limit), ids.end(), before);
    ids.resize(limit);
  } else {
    std::sort(ids.begin(), ids.end(), before);
  }
  return ids;
}

std::string dump_names(const Profile& profile) {
  std::string names;
  for (const ProcessSummary& p : profile.processes) names += (names.empty() ? "" : ", ") + p.dump_path;
  return names;
}

const std::string& function_name(const Profile& profile, uint32_t function) {
  static const std::string root = "<root>";
  return function == kNoFunction ? root : profile.functions[function].symbol.function;
}

}  // namespace fnprof
