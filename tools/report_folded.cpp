// Folded stacks (Brendan Gregg's format, read by flamegraph.pl, inferno,
// speedscope): one line per call path, the frames from the outermost call
// down joined by ';', then a space and a value:
//
//   main;work(int);leaf(int) 600000
//
// --folded-value time (default): the path's self time in integer
// microseconds. Values are rounded so that their running sum is the rounded
// running sum of the exact times: the lines add up to the tree's self time
// (to the microsecond) even when many paths are each below a microsecond.
// --folded-value calls: the calls of the path's last function.
// Paths whose value is 0 are left out. With --threads every path starts with
// a frame naming its thread, "thread-name [pid/tid]".
//
// Allocation values (bytes, blocks per allocation stack) plug in here as more
// FoldedValue kinds when Profile carries allocation stacks.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cmath>

#include "report.h"

namespace fnprof {
namespace {

// A frame may not hold the separators of the format.
std::string frame(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (c == ';' || c == '\n' || c == '\r') c = ' ';
  return out;
}

void write_tree(std::ostream& out, const Profile& profile, const CallTree& tree, const std::string& prefix,
                FoldedValue value) {
  std::vector<std::string> frames(profile.functions.size());
  for (size_t id = 0; id < frames.size(); ++id) frames[id] = frame(profile.functions[id].symbol.function);
  double exact_sum = 0;   // microseconds
  long long written = 0;  // microseconds
  std::string line;
  walk_paths(tree, [&](uint32_t node_index, const std::vector<uint32_t>& path) {
    const ProfileNode& node = tree.nodes[node_index];
    long long v = 0;
    if (value == FoldedValue::Calls) {
      v = static_cast<long long>(node.calls);
    } else {
      exact_sum += node.self_seconds * 1e6;
      v = std::llround(exact_sum) - written;
      written += v;
    }
    if (v <= 0) return;
    line = prefix;
    for (size_t i = 0; i < path.size(); ++i) {
      if (i || !prefix.empty()) line += ';';
      line += frames[tree.nodes[path[i]].function];
    }
    fmt::print(out, "{} {}\n", line, v);
  });
}

}  // namespace

void write_folded_report(std::ostream& out, const Profile& profile, const ReportOptions& options) {
  if (!options.threads) return write_tree(out, profile, profile.merged, "", options.folded_value);
  for (const ThreadProfile& t : profile.threads) {
    std::string prefix = frame(fmt::format("{} [{}/{}]", t.name.empty() ? "thread" : t.name, t.pid, t.tid));
    write_tree(out, profile, t.tree, prefix, options.folded_value);
  }
}

}  // namespace fnprof
