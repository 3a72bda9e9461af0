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
// --folded-value bytes / allocations: the bytes allocated / the allocations
// of each allocation stack (a site of the allocation tracker, its frames from
// the outermost down to the allocating function, inlined frames included);
// "<no stack>" for allocations without one. With --threads, per thread,
// prefixed "thread [pid/tid]" (the tracker does not record thread names).
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cmath>
#include <stdexcept>

#include "report/report.h"

namespace fnprof {
namespace {

}  // namespace

std::string folded_frame(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (c == ';' || c == '\n' || c == '\r') c = ' ';
  return out;
}

namespace {

void write_tree(std::ostream& out, const Profile& profile, const CallTree& unfolded, const std::string& prefix,
                FoldedValue value) {
  const CallTree tree = fold_recursion(unfolded);
  std::vector<std::string> frames(profile.functions.size());
  for (size_t id = 0; id < frames.size(); ++id) frames[id] = folded_frame(profile.functions[id].symbol.function);
  auto frame_of = [&](const ProfileNode& node) {
    return node.recursion_depth > 1 ? folded_frame(folded_name(profile, node)) : frames[node.function];
  };
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
    size_t first = 0;
    if (path.size() > kMaxPathFrames) {
      first = path.size() - (kMaxPathFrames - 1);
      line += fmt::format("{}[{} outer frames]", prefix.empty() ? "" : ";", first);
    }
    for (size_t i = first; i < path.size(); ++i) {
      if (i || !prefix.empty()) line += ';';
      line += frame_of(tree.nodes[path[i]]);
    }
    fmt::print(out, "{} {}\n", line, v);
  });
}

void write_sites(std::ostream& out, const std::vector<HeapSite>& sites, const std::string& prefix,
                 FoldedValue value) {
  std::string line;
  for (const HeapSite& site : sites) {
    uint64_t v = value == FoldedValue::Bytes ? site.counts.bytes_allocated : site.counts.allocations;
    if (!v) continue;
    line = prefix;
    if (site.frames.empty()) line += (prefix.empty() ? "" : ";") + folded_frame(site_name(site));
    for (auto it = site.frames.rbegin(); it != site.frames.rend(); ++it) {
      if (!line.empty()) line += ';';
      line += folded_frame(it->function);
    }
    fmt::print(out, "{} {}\n", line, v);
  }
}

void write_allocations(std::ostream& out, const Profile& profile, const ReportOptions& options) {
  if (!profile.heap.present)
    throw std::runtime_error(
        "--folded-value " +
        std::string(options.folded_value == FoldedValue::Bytes ? "bytes" : "allocations") +
        ": no allocation data in " + dump_names(profile));
  if (!options.threads) return write_sites(out, profile.heap.sites, "", options.folded_value);
  for (const ThreadHeap& t : profile.heap.threads)
    write_sites(out, t.sites, folded_frame(fmt::format("thread [{}/{}]", t.pid, t.tid)), options.folded_value);
}

void write(std::ostream& out, const Report& report) {
  const Profile& profile = report.profile;
  const ReportOptions& options = report.options;
  if (options.folded_value == FoldedValue::Bytes || options.folded_value == FoldedValue::Allocations)
    return write_allocations(out, profile, options);
  if (!options.threads) return write_tree(out, profile, profile.merged, "", options.folded_value);
  for (const ThreadProfile& t : profile.threads) {
    std::string prefix = folded_frame(fmt::format("{} [{}/{}]", t.name.empty() ? "thread" : t.name, t.pid, t.tid));
    write_tree(out, profile, t.tree, prefix, options.folded_value);
  }
}

const FormatRegistration kFolded{{"folded", "flame graph stacks (flamegraph.pl, speedscope, inferno)", false, write}};

}  // namespace

}  // namespace fnprof
