// One self-contained HTML page: summary, findings, a sortable and filterable
// function table with callers/callees, an icicle graph of the calling-context
// tree (canvas, zoom, search) per thread, and the places where allocation,
// timeline, leak and phase views go when Profile carries their data.
//
// The page fetches nothing: the CSS and JS come from tools/report/report_html/
// (compiled in, see tools/CMakeLists.txt) and the data is one JSON document
// in <script type="application/json" id="fnprof-data">. Every '<', '>' and
// '&' in that JSON is written as \u003c, \u003e, \u0026, so no "</script>"
// or "<!--" in a C++ name can end the element; the script puts names on the
// page with textContent only. The few strings written into the HTML itself
// are HTML-escaped.
//
// The data, compact for trees of 100 000 nodes (arrays rather than objects):
//   functions: [[name, file, line, module, waits_for], ...]   by function id
//     waits_for: what a blocking call waits for ("join", "I/O"...), or ""
//   trees: [{label, pid, tid, total_ns, total_calls,
//            nodes: {parent: [], func: [], calls: [], incl_ns: [], self_ns: []},
//            stats: [[function id, calls, incl_ns, self_ns, self_blocked_ns,
//                     durations], ...]}, ...]
//     durations: null, or [min_ns, p50_ns, p90_ns, p99_ns, max_ns,
//                [[bucket from_ns, calls], ...]] (the row's hover text)
//     trees[0] is all threads merged; nodes are in depth-first order (a
//     parent before its children, children largest first), node 0 the root
//     (func -1).
//   findings: [{severity, kind, function, title, evidence, recommendation}]
//   allocations, timeline, leaks: the allocation tracker's, null without it
//     (layout: html_heap.cpp)
//   phases, resources: the instrumentation API's, each null without it
//     (layout: html_api.cpp)
//   tables: [{name, title, columns: [{title, text}], rows: [[cell, ...]],
//             indent?: [[depth, ...]]}, ...]
//     every table of report_tables() that the page does not draw in a view of
//     its own (phases, counter throughput, checkpoints, counters...), as
//     people read it (table_json.h); shown in the phases panel
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "report/formats/api_report.h"
#include "report/formats/heap_report.h"
#include "analysis/tables.h"
#include "model/display.h"
#include "report/report.h"
#include "report/table_json.h"

namespace fnprof {

extern const char kReportCss[];  // report_html_assets.cpp, generated
extern const char kReportJs[];

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

// The tables the page draws in views of their own: the interactive function
// table, the allocation table, the leak list, the resource chart.
const std::set<std::string_view> kOwnView = {"functions", "allocators", "leaks", "resources"};

using nlohmann::json;

constexpr int kHtmlDataVersion = 1;

// JSON safe inside <script>: no '<', '>' or '&' at all (they can only be in
// strings, where \u escapes mean the same).
std::string script_safe(const std::string& json_text) {
  std::string out;
  out.reserve(json_text.size());
  for (char c : json_text) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out += c;
  }
  return out;
}

int64_t ns(double seconds) { return std::llround(seconds * 1e9); }

json tree_json(const CallTree& tree, const std::string& label, uint64_t pid, uint64_t tid) {
  // Depth-first order: renumber nodes so a parent comes before its children
  // and siblings are contiguous in their (largest first) order.
  std::vector<uint32_t> order{0}, index(tree.nodes.size(), 0);
  walk_paths(tree, [&](uint32_t n, const std::vector<uint32_t>&) {
    index[n] = static_cast<uint32_t>(order.size());
    order.push_back(n);
  });
  json parent = json::array(), func = json::array(), calls = json::array(), incl = json::array(),
       self = json::array();
  for (uint32_t n : order) {
    const ProfileNode& node = tree.nodes[n];
    parent.push_back(index[node.parent]);
    func.push_back(node.function == kNoFunction ? -1 : static_cast<int64_t>(node.function));
    calls.push_back(node.calls);
    incl.push_back(ns(node.incl_seconds));
    self.push_back(ns(node.self_seconds));
  }
  json stats = json::array();
  for (uint32_t id = 0; id < tree.functions.size(); ++id) {
    const FunctionStats& s = tree.functions[id];
    if (!s.calls && s.incl_seconds <= 0) continue;
    json durations = nullptr;
    if (const Durations& d = s.durations; !d.empty()) {
      json histogram = json::array();
      for (uint32_t b = 0; b < d.buckets().size(); ++b)
        if (d.buckets()[b]) histogram.push_back({ns(std::max(0.0, d.bucket_floor_seconds(b))), d.buckets()[b]});
      durations = {ns(d.min_seconds()), ns(d.percentile(0.5)), ns(d.percentile(0.9)), ns(d.percentile(0.99)),
                   ns(d.max_seconds()), histogram};
    }
    stats.push_back({id, s.calls, ns(s.incl_seconds), ns(s.self_seconds), ns(s.self_blocked_seconds), durations});
  }
  return {
      {"label", label},
      {"pid", pid},
      {"tid", tid},
      {"total_ns", ns(tree.total_seconds)},
      {"total_self_ns", ns(tree.total_self_seconds)},
      {"total_calls", tree.total_calls},
      {"nodes", {{"parent", parent}, {"func", func}, {"calls", calls}, {"incl_ns", incl}, {"self_ns", self}}},
      {"stats", stats},
  };
}

json report_data(const Report& report) {
  const Profile& profile = report.profile;
  const ProcessSummary& first = profile.processes.front();
  json pids = json::array();
  for (const ProcessSummary& p : profile.processes) pids.push_back(p.pid);
  json functions = json::array();
  for (const ProfiledFunction& f : profile.functions)
    functions.push_back({f.symbol.function, f.symbol.file, f.symbol.line, f.module, wait_kind_title(f.wait_kind)});

  json trees = json::array();
  trees.push_back(tree_json(profile.merged,
                            profile.threads.size() == 1
                                ? "all threads (1)"
                                : fmt::format("all threads ({})", profile.threads.size()),
                            0, 0));
  for (const ThreadProfile& t : profile.threads) {
    // The thread picker says how its wall time split: running, blocked, on-CPU.
    std::string label = fmt::format("{}{}{} (pid {}): running {}, blocked {}{}", t.tid, t.name.empty() ? "" : " ",
                                    t.name, t.pid, format_duration(t.running_seconds()),
                                    format_duration(t.blocked_seconds()),
                                    t.cpu_seconds ? ", on-CPU " + format_duration(*t.cpu_seconds) : "");
    trees.push_back(tree_json(t.tree, label, t.pid, t.tid));
  }

  json findings = json::array();
  for (const Finding& f : report.findings)
    findings.push_back({{"severity", severity_name(f.severity)},
                        {"kind", f.kind},
                        {"function", f.function == kNoFunction ? -1 : static_cast<int64_t>(f.function)},
                        {"title", f.title},
                        {"evidence", f.evidence},
                        {"recommendation", f.recommendation}});

  json data = {
      {"version", kHtmlDataVersion},
      {"summary",
       {{"program", first.program},
        {"command_line", command_line(first.args)},
        {"pids", pids},
        {"threads", profile.threads.size()},
        {"wall_ns", ns(profile.wall_seconds)},
        {"clock", profile.clock},
        {"probe_cost", probe_note(profile.probe)},
        {"dumps", dump_names(profile)}}},
      {"functions", functions},
      {"trees", trees},
      {"findings", findings},
      // The page shows a placeholder for each null.
      {"allocations", nullptr},
      {"timeline", nullptr},
      {"leaks", nullptr},
      {"phases", nullptr},

      {"resources", nullptr},
  };
  add_heap_html_data(data, report);
  json tables = json::array();
  for (const ReportTable& table : report_tables())
    if (!kOwnView.count(table.name) && table.present(report)) tables.push_back(human_table_json(table.build(report)));
  data["tables"] = std::move(tables);
  add_api_html_data(data, profile);
  return data;
}

void write(std::ostream& out, const Report& report) {
  const Profile& profile = report.profile;
  const std::string title = "fnprof: " + profile.processes.front().program;
  const std::string data =
      script_safe(report_data(report).dump(-1, ' ', false, json::error_handler_t::replace));
  fmt::print(out, R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="fnprof perf-report">
<title>{}</title>
<style>
{}</style>
</head>
<body>
<noscript>This report needs JavaScript to show its tables and graphs.</noscript>
<script type="application/json" id="fnprof-data">{}</script>
<script>
{}</script>
</body>
</html>
)",
             html_escape(title), kReportCss, data, kReportJs);
}

const FormatRegistration kHtml{{"html", "one self-contained interactive page", false, write}};

}  // namespace

}  // namespace fnprof
