// The machine-readable report: what the text report shows, as JSON, with
// times in seconds and the tree nested. "format_version" changes only when an
// existing field changes meaning; new fields may appear within a version.
// docs/report.schema.json describes it and docs/JSON.md explains it; change
// them with it.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "model/call_views.h"
#include "report/formats/api_report.h"
#include "report/formats/heap_report.h"
#include "analysis/tables.h"
#include "report/report.h"
#include "report/table_json.h"

namespace fnprof {
namespace {

using nlohmann::json;

constexpr int kJsonFormatVersion = 1;

// The tables this file lays out in a shape of its own (nested where the data
// nests: a site's frames, a phase's instances); any other table of
// report_tables() is written as a list of row objects under its name.
const std::set<std::string_view> kOwnShape = {"functions", "allocators", "leaks", "checkpoints",
                                              "phases", "phase_counters", "resources"};

// Null when no call finished with its duration recorded (an older dump).
// The histogram lists the non-empty buckets: where each begins, and its calls.
json durations_json(const Durations& d) {
  if (d.empty()) return nullptr;
  json histogram = json::array();
  for (uint32_t b = 0; b < d.buckets().size(); ++b)
    if (d.buckets()[b]) histogram.push_back({{"from_seconds", std::max(0.0, d.bucket_floor_seconds(b))}, {"calls", d.buckets()[b]}});
  return {
      {"calls", d.calls()},
      {"min_seconds", d.min_seconds()},
      {"p50_seconds", d.percentile(0.5)},
      {"p90_seconds", d.percentile(0.9)},
      {"p99_seconds", d.percentile(0.99)},
      {"max_seconds", d.max_seconds()},
      {"histogram", std::move(histogram)},
  };
}

json function_json(const Profile& profile, const CallTree& tree, uint32_t id) {
  const ProfiledFunction& f = profile.functions[id];
  const FunctionStats& s = tree.functions[id];
  return {
      {"name", f.symbol.function},
      {"same_code_as", f.symbol.same_code_as},
      {"resolved", f.symbol.resolved},
      {"module", f.module},
      {"address", fmt::format("{:#x}", f.address)},
      {"file", f.symbol.file},
      {"line", f.symbol.line},
      {"calls", s.calls},
      {"incl_seconds", s.incl_seconds},
      {"self_seconds", s.self_seconds},
      {"incl_per_call_seconds", s.incl_per_call()},
      {"self_percent", tree.total_self_seconds > 0 ? 100 * s.self_seconds / tree.total_self_seconds : 0.0},
      {"probe_self_seconds", s.probe_self_seconds},
      {"durations", durations_json(s.durations)},
      {"self_blocked_seconds", s.self_blocked_seconds},
      {"incl_blocked_seconds", s.incl_blocked_seconds},
      {"waits_for", wait_kind_name(f.wait_kind)},
  };
}

json functions_json(const Report& report, const CallTree& tree) {
  json rows = json::array();
  for (uint32_t id : report.function_ranking(tree, RowsFor::Machines))
    rows.push_back(function_json(report.profile, tree, id));
  return rows;
}

// Levels of the nested tree at most ("max_tree_depth"): indented JSON grows
// with the square of its depth, and most JSON readers refuse deeper nesting
// (Python's at about 1000). Only indirect recursion gets this deep, direct
// recursion being folded.
constexpr uint32_t kMaxTreeDepth = 256;

// The tree nested, cut where a node's inclusive time is below the
// --min-percent cut and below kMaxTreeDepth, direct recursion folded (a
// folded node has "recursion_depth"). Built from the leaves up, without
// recursion: the tree can be deeper than the stack.
json tree_json(const Profile& profile, const CallTree& unfolded, const ReportOptions& options) {
  const CallTree tree = fold_recursion(unfolded);
  const double cut = tree.total_seconds * options.min_percent / 100;
  std::vector<uint32_t> order{0};  // parents before children, down to kMaxTreeDepth
  std::vector<uint32_t> depth(tree.nodes.size(), 0);
  walk_paths(tree, [&](uint32_t n, const std::vector<uint32_t>& path) {
    depth[n] = static_cast<uint32_t>(path.size());
    if (depth[n] <= kMaxTreeDepth) order.push_back(n);
  });
  std::vector<json> built(tree.nodes.size());
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const ProfileNode& n = tree.nodes[*it];
    json j = {
        {"function", n.function == kNoFunction ? "<root>" : profile.functions[n.function].symbol.function},
        {"calls", n.calls},
        {"incl_seconds", n.incl_seconds},
        {"self_seconds", n.self_seconds},
        {"self_blocked_seconds", n.self_blocked_seconds},
        {"incl_blocked_seconds", n.incl_blocked_seconds},
        {"waits_for", n.function == kNoFunction ? "" : wait_kind_name(profile.functions[n.function].wait_kind)},
        {"incl_percent", tree.total_seconds > 0 ? 100 * n.incl_seconds / tree.total_seconds : 0.0},
        {"probe_seconds", n.probe_seconds},
        {"durations", durations_json(n.durations)},
    };
    if (n.recursion_depth > 1) j["recursion_depth"] = n.recursion_depth;
    json children = json::array();
    size_t hidden = 0;
    for (uint32_t c : n.children) {
      if (tree.nodes[c].incl_seconds >= cut && tree.nodes[c].incl_seconds > 0 && depth[c] <= kMaxTreeDepth)
        children.push_back(std::move(built[c]));
      else
        ++hidden;
    }
    j["children"] = std::move(children);
    j["hidden_children"] = hidden;
    built[*it] = std::move(j);
  }
  return std::move(built[0]);
}

json findings_json(const Profile& profile, const std::vector<Finding>& findings) {
  json rows = json::array();
  for (const Finding& f : findings) {
    json row = {
        {"severity", severity_name(f.severity)},
        {"kind", f.kind},
        {"title", f.title},
        {"evidence", f.evidence},
        {"recommendation", f.recommendation},
    };
    if (f.function != kNoFunction) row["function"] = function_name(profile, f.function);
    rows.push_back(std::move(row));
  }
  return rows;
}

json edges_json(const Profile& profile, const std::vector<CallEdge>& edges, double whole) {
  json rows = json::array();
  for (const CallEdge& e : edges)
    rows.push_back({{"function", function_name(profile, e.function)},
                    {"calls", e.calls},
                    {"seconds", e.seconds},
                    {"percent", whole > 0 ? 100 * e.seconds / whole : 0.0}});
  return rows;
}

// One entry per function matched by --callers/--callees.
json call_views_json(const Profile& profile, const std::vector<CallViews>& queries, bool callers) {
  json views = json::array();
  for (const CallViews& query : queries) {
    for (const CallView& view : query.views) {
      json entry = {
          {"query", query.pattern},
          {"function", function_name(profile, view.function)},
          {"calls", view.stats.calls},
          {"incl_seconds", view.stats.incl_seconds},
          {"self_seconds", view.stats.self_seconds},
      };
      entry[callers ? "callers" : "callees"] =
          edges_json(profile, callers ? view.callers : view.callees, view.stats.incl_seconds);
      views.push_back(std::move(entry));
    }
  }
  return views;
}

void write(std::ostream& out, const Report& report) {
  const Profile& profile = report.profile;
  const ReportOptions& options = report.options;
  json processes = json::array(), pids = json::array();
  for (const ProcessSummary& p : profile.processes) {
    pids.push_back(p.pid);
    processes.push_back({
        {"dump", p.dump_path},
        {"pid", p.pid},
        {"ppid", p.ppid},
        {"program", p.program},
        {"exe", p.exe},
        {"args", p.args},
        {"clock", p.clock},
        {"ticks_per_second", p.ticks_per_second},
        {"wall_seconds", p.wall_seconds},
        {"end", p.end},
        {"thread_count", p.threads},
    });
  }
  const ProcessSummary& first = profile.processes.front();
  json functions = functions_json(report, profile.merged);
  json json_report = {
      {"format_version", kJsonFormatVersion},
      {"program", first.program},
      {"command_line", first.args},
      {"pids", pids},
      {"thread_count", profile.threads.size()},
      {"wall_seconds", profile.wall_seconds},
      {"clock", profile.clock},
      {"total_calls", profile.merged.total_calls},
      {"total_seconds", profile.merged.total_seconds},
      {"total_self_seconds", profile.merged.total_self_seconds},
      {"probe_cost",
       {{"compensated", profile.probe.applied},
        {"pair_seconds", profile.probe.pair_seconds},
        {"inside_seconds", profile.probe.inside_seconds},
        {"total_seconds", profile.probe.total_seconds},
        {"dumps_without", profile.probe.dumps_without}}},
      {"total_blocked_seconds", profile.merged.total_blocked_seconds},
      {"processes", processes},
      {"sort", sort_key_name(options.sort)},
      {"top", options.top ? *options.top : functions.size()},
      {"functions", std::move(functions)},
      {"findings", findings_json(profile, report.findings)},
  };
  if (!options.callers.empty()) json_report["callers"] = call_views_json(profile, report.callers, true);
  if (!options.callees.empty()) json_report["callees"] = call_views_json(profile, report.callees, false);
  if (profile.heap.present) add_heap_json(json_report, report);  // "allocations", "leaks"
  if (!profile.api.empty()) add_api_json(json_report, profile);  // "phases", "counters"...
  if (options.tree) {
    json_report["min_percent"] = options.min_percent;
    json_report["max_tree_depth"] = kMaxTreeDepth;
    json_report["tree"] = tree_json(profile, profile.merged, options);
  }
  if (options.threads) {
    json threads = json::array();
    for (const ThreadProfile& t : profile.threads) {
      json thread = {
          {"pid", t.pid},
          {"tid", t.tid},
          {"name", t.name},
          {"wall_seconds", t.wall_seconds},
          {"running_seconds", t.running_seconds()},
          {"blocked_seconds", t.blocked_seconds()},
          {"cpu_seconds", t.cpu_seconds ? json(*t.cpu_seconds) : json(nullptr)},
          {"running", t.running},
          {"truncated", t.truncated},
          {"total_calls", t.tree.total_calls},
          {"total_seconds", t.tree.total_seconds},
          {"functions", functions_json(report, t.tree)},
      };
      if (options.tree) thread["tree"] = tree_json(profile, t.tree, options);
      threads.push_back(std::move(thread));
    }
    json_report["threads"] = std::move(threads);
  }
  // Every other table of the report, as rows of its machine columns.
  for (const ReportTable& table : report_tables())
    if (!kOwnShape.count(table.name) && table.present(report))
      json_report[std::string(table.name)] = machine_rows_json(table.build(report));
  // Names are not guaranteed UTF-8 (they come from the binaries); replace
  // invalid bytes rather than throw halfway through the output.
  out << json_report.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

const FormatRegistration kJson{{"json", "scripts (schema: docs/report.schema.json)", false, write}};

}  // namespace

}  // namespace fnprof
