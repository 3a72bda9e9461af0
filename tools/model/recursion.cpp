// Folds direct recursion out of a calling-context tree; see recursion.h.
#include "model/recursion.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

namespace fnprof {

CallTree fold_recursion(const CallTree& tree) {
  CallTree folded;
  folded.functions = tree.functions;
  folded.total_calls = tree.total_calls;
  folded.total_seconds = tree.total_seconds;
  folded.total_self_seconds = tree.total_self_seconds;
  folded.total_blocked_seconds = tree.total_blocked_seconds;
  folded.nodes.emplace_back(tree.nodes[0]);
  folded.nodes[0].children.clear();

  // Nodes are created after their parent (profile.cpp), so one pass in index
  // order sees every parent mapped before its children.
  std::vector<uint32_t> to(tree.nodes.size(), 0);
  std::vector<uint32_t> run(tree.nodes.size(), 1);  // levels of the chain down to this node
  std::unordered_map<uint64_t, uint32_t> child_of;  // (folded parent, function) -> folded node
  for (uint32_t i = 1; i < tree.nodes.size(); ++i) {
    const ProfileNode& node = tree.nodes[i];
    const ProfileNode& parent = tree.nodes[node.parent];
    uint32_t target;
    if (node.parent != 0 && node.function == parent.function) {
      target = to[node.parent];
      run[i] = run[node.parent] + 1;
    } else {
      uint64_t key = (static_cast<uint64_t>(to[node.parent]) << 32) | node.function;
      auto [it, inserted] = child_of.try_emplace(key, static_cast<uint32_t>(folded.nodes.size()));
      target = it->second;
      if (inserted) {
        ProfileNode created;
        created.function = node.function;
        created.parent = to[node.parent];
        folded.nodes.push_back(std::move(created));
        folded.nodes[to[node.parent]].children.push_back(target);
      }
      folded.nodes[target].incl_seconds += node.incl_seconds;
      folded.nodes[target].probe_seconds += node.probe_seconds;
      folded.nodes[target].incl_blocked_seconds += node.incl_blocked_seconds;
    }
    to[i] = target;
    ProfileNode& f = folded.nodes[target];
    f.calls += node.calls;
    f.self_seconds += node.self_seconds;
    f.durations.add(node.durations);  // a folded level's calls are its calls too
    f.self_blocked_seconds += node.self_blocked_seconds;
    f.recursion_depth = std::max(f.recursion_depth, run[i]);
  }
  for (ProfileNode& node : folded.nodes)
    std::stable_sort(node.children.begin(), node.children.end(), [&](uint32_t a, uint32_t b) {
      return folded.nodes[a].incl_seconds > folded.nodes[b].incl_seconds;
    });
  return folded;
}

std::string folded_name(const Profile& profile, const ProfileNode& node) {
  const std::string& name = function_name(profile, node.function);
  if (node.recursion_depth <= 1) return name;
  return fmt::format("{} (recursive, depth 1..{})", name, node.recursion_depth);
}

std::string tree_node_name(const Profile& profile, const ProfileNode& node) {
  if (node.function == kNoFunction || !profile.functions[node.function].blocking()) return folded_name(profile, node);
  return fmt::format("{} (waiting: {})", folded_name(profile, node),
                     wait_kind_title(profile.functions[node.function].wait_kind));
}

}  // namespace fnprof
