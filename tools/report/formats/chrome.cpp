// Chrome's trace event format (JSON), for Perfetto UI (ui.perfetto.dev) and
// chrome://tracing. The call trees are aggregates, not timestamps, so each
// thread's tree is laid out as a flame chart of aggregate time: every node is
// one complete ("X") event lasting its inclusive time, its children laid end
// to end from the parent's start, largest first. Each thread starts at 0;
// times are microseconds, as the format wants.
//
//   {"ph":"X","pid":4242,"tid":4242,"name":"work(int)","ts":0,"dur":900000,
//    "args":{"calls":1,"self_us":300000}}
//
// The instrumentation API's figures do have real timestamps (microseconds
// since the process started): phase instances ("X", nested phases nest by
// time), checkpoints (thread-scoped instants, "i") and the resource sampler's
// timeline and fnprof_counter_* values (counters, "C": CPU %, RSS, threads,
// one track per API counter). They go on a pseudo-process
// of their own, pid + kRealTimePid, named "<program> <pid>: phases (real
// time)", its threads named after the real ones:
//
//   {"ph":"X","pid":100004242,"tid":4243,"name":"load","ts":1500,"dur":2000,
//    "cat":"phase","args":{"meta":{"file":"a.csv"},"result":{"rows":10}}}
//
// Why not the real pid and tid: the viewers nest "X" events of one thread by
// time, so real-time phases on the same track as the aggregate layout (where
// a node "starts" wherever its siblings left room) would cross its slices and
// be misplaced or dropped. A separate process keeps both views intact and
// says in its name which one is which. Per-sample counter values would be
// counter tracks too, but ApiProfile does not carry them (only per-phase
// rates), so API counters are left out.
//
// Process and thread names come as metadata ("M") events.
#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fnprof/format.h"
#include "report/formats/api_report.h"
#include "report/report.h"

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
  // Laid out in whole nanoseconds, so that children end to end add up
  // exactly, and clamped to their parent's end: each time rounds on its own,
  // and a viewer would see a last child that overruns its parent by a
  // nanosecond as a sibling of it.
  auto ns = [](double seconds) { return static_cast<int64_t>(std::llround(seconds * 1e9)); };
  std::vector<int64_t> start(tree.nodes.size(), 0), dur(tree.nodes.size(), 0);
  for (uint32_t c : tree.nodes[0].children) dur[c] = ns(tree.nodes[c].incl_seconds);  // each from 0
  walk_paths(tree, [&](uint32_t node_index, const std::vector<uint32_t>&) {
    const ProfileNode& node = tree.nodes[node_index];
    int64_t next = start[node_index], end = start[node_index] + dur[node_index];
    for (uint32_t c : node.children) {
      start[c] = next;
      dur[c] = std::max<int64_t>(0, std::min(ns(tree.nodes[c].incl_seconds), end - next));
      next += dur[c];
    }
    if (node.incl_seconds <= 0 && !node.calls) return;
    events.push_back({{"ph", "X"},
                      {"cat", "function"},
                      {"name", function_name(profile, node.function)},
                      {"pid", t.pid},
                      {"tid", t.tid},
                      {"ts", start[node_index] / 1e3},
                      {"dur", dur[node_index] / 1e3},
                      {"args", {{"calls", node.calls}, {"self_us", us(node.self_seconds)}}}});
  });
}

// Above Linux's PID_MAX_LIMIT (2^22), so no real pid; decimal, so the real
// pid reads in the last digits (100004242 for 4242).
constexpr uint64_t kRealTimePid = 100'000'000;

// A process's phases, each instance on its thread. Begin and end are rounded
// to the nanosecond separately (dur is their difference, rid of the doubles'
// noise) so a child that ends inside its parent still does after rounding. Per thread by begin, longer first on ties, so
// the parent precedes its child.
void append_phase_events(json& events, const ApiProfile& api, uint64_t pid) {
  struct Instance {
    const PhaseStats* phase;
    const PhaseInstance* instance;
    double ts, end;
  };
  std::vector<Instance> instances;
  for (const PhaseStats& p : api.phases)
    for (const PhaseInstance& i : p.instances)
      if (i.pid == pid)
        instances.push_back({&p, &i, us(i.begin_seconds), us(i.begin_seconds + i.duration_seconds)});
  std::stable_sort(instances.begin(), instances.end(), [](const Instance& a, const Instance& b) {
    if (a.instance->tid != b.instance->tid) return a.instance->tid < b.instance->tid;
    if (a.ts != b.ts) return a.ts < b.ts;
    return a.end > b.end;
  });
  for (const Instance& i : instances) {
    json args = json::object();
    if (!i.instance->meta.empty()) args["meta"] = meta_json(i.instance->meta);
    if (!i.instance->result.empty()) args["result"] = meta_json(i.instance->result);
    if (i.instance->open) args["open"] = true;  // still running at the dump: ends there
    events.push_back({{"ph", "X"},
                      {"cat", "phase"},
                      {"name", i.phase->name},
                      {"pid", kRealTimePid + pid},
                      {"tid", i.instance->tid},
                      {"ts", i.ts},
                      {"dur", std::round((i.end - i.ts) * 1e3) / 1e3},
                      {"args", args}});
  }
}

void append_checkpoint_events(json& events, const ApiProfile& api, uint64_t pid) {
  for (const CheckpointRow& c : api.checkpoints) {
    if (c.pid != pid) continue;
    json args = json::object();
    if (!c.meta.empty()) args["meta"] = meta_json(c.meta);
    events.push_back({{"ph", "i"},
                      {"s", "t"},
                      {"cat", "checkpoint"},
                      {"name", c.name},
                      {"pid", kRealTimePid + pid},
                      {"tid", c.tid},
                      {"ts", us(c.at_seconds)},
                      {"args", args}});
  }
}

// A counter holds its value until the next event, so CPU % (an average over
// an interval) goes at the interval's start; RSS and threads are read at the
// sample that ends it.
void append_resource_events(json& events, const ResourceSummary& r, uint64_t chrome_pid) {
  double start = r.timeline.empty() ? 0 : std::max(0.0, r.timeline.front().at_seconds - r.interval_seconds);
  for (const ResourceSummary::Point& p : r.timeline) {
    events.push_back({{"ph", "C"}, {"name", "CPU %"}, {"pid", chrome_pid}, {"ts", us(start)},
                      {"args", {{"process", p.cpu_percent}, {"system", p.system_cpu_percent}}}});
    events.push_back({{"ph", "C"}, {"name", "RSS bytes"}, {"pid", chrome_pid}, {"ts", us(p.at_seconds)},
                      {"args", {{"rss", p.rss_bytes}}}});
    events.push_back({{"ph", "C"}, {"name", "threads"}, {"pid", chrome_pid}, {"ts", us(p.at_seconds)},
                      {"args", {{"threads", p.threads}}}});
    // fnprof_counter_* and fnprof_gauge_* values, one track each.
    for (size_t c = 0; c < p.counters.size() && c < r.counter_names.size(); ++c)
      events.push_back({{"ph", "C"}, {"name", r.counter_names[c]}, {"pid", chrome_pid}, {"ts", us(p.at_seconds)},
                        {"args", {{"value", p.counters[c]}}}});
    start = p.at_seconds;
  }
}

std::string thread_label(const Profile& profile, uint64_t pid, uint64_t tid) {
  for (const ThreadProfile& t : profile.threads)
    if (t.pid == pid && t.tid == tid && !t.name.empty()) return t.name;
  return "thread " + std::to_string(tid);
}

// Events with real timestamps, one pseudo-process per process that has any
// (see the top comment). The resource timeline is the first sampled dump's
// and ResourceSummary does not say which: with one process it is that one's,
// with several it gets a pseudo-process of its own (kRealTimePid itself).
void append_timeline_events(json& events, const Profile& profile) {
  const ApiProfile& api = profile.api;
  bool resources_per_process = profile.processes.size() == 1;
  for (const ProcessSummary& p : profile.processes) {
    size_t first = events.size();
    append_phase_events(events, api, p.pid);
    append_checkpoint_events(events, api, p.pid);
    if (resources_per_process) append_resource_events(events, api.resources, kRealTimePid + p.pid);
    if (events.size() == first) continue;
    std::set<uint64_t> tids;
    for (size_t i = first; i < events.size(); ++i)
      if (events[i].contains("tid")) tids.insert(events[i]["tid"].get<uint64_t>());
    json names = json::array({metadata("process_name", kRealTimePid + p.pid, kRealTimePid + p.pid,
                                        p.program + " " + std::to_string(p.pid) + ": phases (real time)")});
    for (uint64_t tid : tids) names.push_back(metadata("thread_name", kRealTimePid + p.pid, tid, thread_label(profile, p.pid, tid)));
    events.insert(events.begin() + static_cast<std::ptrdiff_t>(first), names.begin(), names.end());
  }
  if (!resources_per_process && !api.resources.timeline.empty()) {
    events.push_back(metadata("process_name", kRealTimePid, kRealTimePid, "resources (real time, first sampled process)"));
    append_resource_events(events, api.resources, kRealTimePid);
  }
}

void write(std::ostream& out, const Report& report) {
  const Profile& profile = report.profile;
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
                {"layout", "aggregate: each node lasts its inclusive time, children end to end"},
                {"real_time", "phases, checkpoints, resources: pid + " + std::to_string(kRealTimePid) +
                                  ", microseconds since the process start"}};
  // One event per line: still one JSON document, but diffable and greppable.
  // Names are not guaranteed UTF-8; invalid bytes are replaced.
  auto dump = [](const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); };
  out << "{\"displayTimeUnit\":\"ms\",\"otherData\":" << dump(other) << ",\"traceEvents\":[\n";
  for (size_t i = 0; i < events.size(); ++i) out << dump(events[i]) << (i + 1 < events.size() ? ",\n" : "\n");
  out << "]}\n";
}

const FormatRegistration kChrome{{"chrome", "trace events (Perfetto UI, chrome://tracing)", false, write}};

}  // namespace

}  // namespace fnprof
