// Chrome's trace event format (JSON), for Perfetto UI (ui.perfetto.dev) and
// chrome://tracing. The dumps hold aggregate trees, not timestamps, so each
// thread's tree is laid out as a flame chart of aggregate time: every node is
// one complete ("X") event lasting its inclusive time, its children laid end
// to end from the parent's start, largest first. Each thread starts at 0;
// times are microseconds, as the format wants.
//
//   {"ph":"X","pid":4242,"tid":4242,"name":"work(int)","ts":0,"dur":900000,
//    "args":{"calls":1,"self_us":300000}}
//
// Process and thread names come as metadata ("M") events. Phases, checkpoints
// and counters (real timestamps) go in append_timeline_events when Profile
// carries them.
#include <cmath>
#include <nlohmann/json.hpp>

#include "report.h"

namespace fnprof {
namespace {

using nlohmann::json;

// Microseconds to the nanosecond, so sums of doubles print as 200000, not
// 199999.99999999997.
double us(double seconds) { return std::round(seconds * 1e9) / 1e3; }

json metadata(const char* name, uint64_t pid, uint64_t tid, const std::string& value) {
  return {{"ph", "M"}, {"name", name}, {"pid", pid}, {"tid", tid}, {"args", {{"name", value}}}};
}

void append_tree_events(json& events, const Profile& profile, const ThreadProfile& t) {
  const CallTree& tree = t.tree;
  std::vector<double> start(tree.nodes.size(), 0);  // microseconds
  // Children in order, each starting where the previous one ended.
  walk_paths(tree, [&](uint32_t node_index, const std::vector<uint32_t>&) {
    const ProfileNode& node = tree.nodes[node_index];
    double next = start[node_index];
    for (uint32_t c : node.children) {
      start[c] = next;
      next += us(tree.nodes[c].incl_seconds);
    }
    if (node.incl_seconds <= 0 && !node.calls) return;
    events.push_back({{"ph", "X"},
                      {"cat", "function"},
                      {"name", function_name(profile, node.function)},
                      {"pid", t.pid},
                      {"tid", t.tid},
                      {"ts", start[node_index]},
                      {"dur", us(node.incl_seconds)},
                      {"args", {{"calls", node.calls}, {"self_us", us(node.self_seconds)}}}});
  });
}

// The hook for events with real timestamps: phases (as "X" or "b"/"e" events
// on a "phases" track), checkpoints ("i" instant events) and counters ("C"
// events: live heap, RSS, CPU). Nothing yet: the dumps do not carry them.
void append_timeline_events(json& /*events*/, const Profile& /*profile*/) {}

}  // namespace

void write_chrome_report(std::ostream& out, const Profile& profile, const ReportOptions&) {
  json events = json::array();
  for (const ProcessSummary& p : profile.processes) {
    events.push_back(metadata("process_name", p.pid, p.pid, p.program));
  }
  for (const ThreadProfile& t : profile.threads) {
    events.push_back(
        metadata("thread_name", t.pid, t.tid, t.name.empty() ? "thread " + std::to_string(t.tid) : t.name));
    append_tree_events(events, profile, t);
  }
  append_timeline_events(events, profile);
  json other = {{"generator", "fnprof perf-report"},
                {"layout", "aggregate: each node lasts its inclusive time, children end to end"}};
  // One event per line: still one JSON document, but diffable and greppable.
  // Names are not guaranteed UTF-8; invalid bytes are replaced.
  auto dump = [](const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); };
  out << "{\"displayTimeUnit\":\"ms\",\"otherData\":" << dump(other) << ",\"traceEvents\":[\n";
  for (size_t i = 0; i < events.size(); ++i) out << dump(events[i]) << (i + 1 < events.size() ? ",\n" : "\n");
  out << "]}\n";
}

}  // namespace fnprof
