// Callers and callees of a function; see call_views.h.
#include "model/call_views.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace fnprof {
namespace {

std::vector<CallEdge> sorted(const std::map<uint32_t, CallEdge>& edges) {
  std::vector<CallEdge> out;
  for (const auto& [function, edge] : edges) out.push_back(edge);
  std::stable_sort(out.begin(), out.end(), [&](const CallEdge& a, const CallEdge& b) {
    if (a.seconds != b.seconds) return a.seconds > b.seconds;
    return a.calls > b.calls;
  });
  return out;
}

}  // namespace

std::vector<uint32_t> match_functions(const Profile& profile, std::string_view pattern) {
  std::vector<uint32_t> exact, partial;
  for (uint32_t id = 0; id < profile.functions.size(); ++id) {
    const std::string& name = profile.functions[id].symbol.function;
    if (name == pattern)
      exact.push_back(id);
    else if (name.find(pattern) != std::string::npos)
      partial.push_back(id);
  }
  std::vector<uint32_t>& ids = exact.empty() ? partial : exact;
  const auto& stats = profile.merged.functions;
  std::stable_sort(ids.begin(), ids.end(),
                   [&](uint32_t a, uint32_t b) { return stats[a].incl_seconds > stats[b].incl_seconds; });
  return ids;
}

std::vector<uint32_t> functions_for_view(const Profile& profile, std::string_view pattern,
                                         std::string_view option) {
  std::vector<uint32_t> ids = match_functions(profile, pattern);
  if (ids.empty())
    throw std::runtime_error(
        fmt::format("{} '{}': no function matches (by exact or partial demangled name)", option, pattern));
  if (ids.size() > kMaxViewMatches) ids.resize(kMaxViewMatches);
  return ids;
}

CallView call_view(const Profile& profile, const CallTree& tree, uint32_t function) {
  CallView view;
  view.function = function;
  if (function < tree.functions.size()) view.stats = tree.functions[function];
  std::map<uint32_t, CallEdge> callers, callees;

  walk_with_ancestors(tree, profile.functions.size(), [&](uint32_t id, const std::vector<uint32_t>& on_path) {
    const ProfileNode& node = tree.nodes[id];
    if (node.function != function) return;
    uint32_t caller = tree.nodes[node.parent].function;
    CallEdge& in = callers.try_emplace(caller, CallEdge{caller}).first->second;
    in.calls += node.calls;
    const bool outermost = on_path[function] == 0;
    if (outermost) in.seconds += node.incl_seconds;
    for (uint32_t c : node.children) {
      const ProfileNode& child = tree.nodes[c];
      CallEdge& out = callees.try_emplace(child.function, CallEdge{child.function}).first->second;
      out.calls += child.calls;
      if (outermost && on_path[child.function] == 0 && child.function != function) out.seconds += child.incl_seconds;
    }
  });
  view.callers = sorted(callers);
  view.callees = sorted(callees);
  return view;
}

}  // namespace fnprof
