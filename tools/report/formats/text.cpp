// The human-readable report: a header about the run, the top-function table,
// the bottleneck findings, and optionally callers/callees of chosen
// functions, the calling-context tree and per-thread tables.
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <unistd.h>

#include <cmath>
#include <memory>

#include "model/call_views.h"
#include "report/formats/api_report.h"
#include "report/formats/heap_report.h"
#include "analysis/tables.h"
#include "report/formats/text_table.h"
#include "report/report.h"

namespace fnprof {
namespace {

constexpr size_t kTreeNameWidth = 100;  // function column of the tree, before indentation



void write_header(std::ostream& out, const Profile& profile) {
  const ProcessSummary& first = profile.processes.front();
  std::string command = command_line(first.args);
  std::string pids;
  for (const ProcessSummary& p : profile.processes)
    pids += (pids.empty() ? "" : ", ") + std::to_string(p.pid);

  fmt::print(out, "program:      {}\n", first.program);
  fmt::print(out, "command line: {}\n", command);
  fmt::print(out, "{:<14}{}\n", profile.processes.size() > 1 ? "pids:" : "pid:", pids);
  // A run under the allocation tracker alone has no threads or calls to count.
  const bool instrumented = !profile.threads.empty() || !profile.heap.present;
  if (instrumented) fmt::print(out, "threads:      {}\n", profile.threads.size());
  fmt::print(out, "wall time:    {}{}\n", format_duration(profile.wall_seconds),
             profile.processes.size() > 1 ? " (longest process)" : "");
  fmt::print(out, "clock:        {}\n", profile.clock);
  if (!instrumented) {
    fmt::print(out, "functions:    not instrumented (allocations only)\n");
    return;
  }
  fmt::print(out, "total calls:  {}\n", group_digits(profile.merged.total_calls));
  fmt::print(out, "total time:   {} in profiled functions\n", format_duration(profile.merged.total_seconds));
  if (!probe_note(profile.probe).empty()) fmt::print(out, "probe cost:   {}\n", probe_note(profile.probe));
  if (profile.merged.total_blocked_seconds > 0)
    fmt::print(out, "blocked:      {} of it in blocking calls (waiting, not running)\n",
               format_duration(profile.merged.total_blocked_seconds));
}

void write_function_table(std::ostream& out, const Report& report, const CallTree& tree) {
  Table table = function_table(report, tree);
  fmt::print(out, "{}:\n\n", table.title);
  if (table.human_rows) write_text_table(out, table);
}

void write_tree(std::ostream& out, const Profile& profile, const CallTree& unfolded,
                const ReportOptions& options) {
  const CallTree tree = fold_recursion(unfolded);
  const double cut = tree.total_seconds * options.min_percent / 100;
  fmt::print(out, "Calling-context tree (nodes below {}% of {} not shown):\n\n", options.min_percent,
             format_duration(tree.total_seconds));
  fmt::print(out, "{:>7}  {:>10}  {:>10}  {:>12}  {}\n", "% incl", "incl total", "self total", "calls",
             "function");
  size_t hidden = print_tree(
      0, [&](uint32_t node) -> const std::vector<uint32_t>& { return tree.nodes[node].children; },
      [&](uint32_t node) { return tree.nodes[node].incl_seconds >= cut && tree.nodes[node].incl_seconds > 0; },
      [&](uint32_t id, size_t depth) {
        const ProfileNode& node = tree.nodes[id];
        fmt::print(out, "{:>7}  {:>10}  {:>10}  {:>12}  {}{}\n",
                   percent(node.incl_seconds, tree.total_seconds), format_duration(node.incl_seconds),
                   format_duration(node.self_seconds), group_digits(node.calls), tree_indent(depth),
                   elide_name(tree_node_name(profile, node), kTreeNameWidth));
      });
  if (hidden)
    fmt::print(out, "({} {} below {}% not shown)\n", hidden, hidden == 1 ? "node" : "nodes",
               options.min_percent);
}

void write_thread(std::ostream& out, const Report& report, const ThreadProfile& thread) {
  const Profile& profile = report.profile;
  const ReportOptions& options = report.options;
  std::string name = thread.name.empty() ? "" : fmt::format(" \"{}\"", thread.name);
  // The split of its wall time where it waited; its on-CPU time where known.
  std::string split = thread.blocked_seconds() > 0
                          ? fmt::format(" (running {}, blocked {})", format_duration(thread.running_seconds()),
                                        format_duration(thread.blocked_seconds()))
                          : "";
  std::string cpu = thread.cpu_seconds ? fmt::format(", on-CPU {}", format_duration(*thread.cpu_seconds)) : "";
  fmt::print(out, "Thread {}{} (pid {}): wall {}{}{}, {} calls, {} in profiled functions{}{}\n\n", thread.tid, name,
             thread.pid, format_duration(thread.wall_seconds), split, cpu,
             group_digits(thread.tree.total_calls),
             format_duration(thread.tree.total_seconds), thread.running ? ", still running" : "",
             thread.truncated ? ", TRUNCATED (the runtime ran out of capacity)" : "");
  write_function_table(out, report, thread.tree);
  if (options.tree) {
    out << '\n';
    write_tree(out, profile, thread.tree, options);
  }
}

void write_findings(std::ostream& out, const std::vector<Finding>& findings) {
  if (findings.empty()) {
    out << "Findings: none above the thresholds.\n";
    return;
  }
  out << "Findings:\n";
  for (const Finding& f : findings) {
    fmt::print(out, "\n  [{}] {}\n", severity_name(f.severity), f.title);
    fmt::print(out, "      evidence: {}\n", f.evidence);
    fmt::print(out, "      recommendation: {}\n", f.recommendation);
  }
}

// "Callers of f (…):" or "Callees of f (…):" and its table.
void write_call_view(std::ostream& out, const Profile& profile, const CallView& view, bool callers) {
  const FunctionStats& s = view.stats;
  fmt::print(out, "{} of {} ({} {}, {} inclusive):\n\n", callers ? "Callers" : "Callees",
             elide_name(function_name(profile, view.function), kTreeNameWidth), group_digits(s.calls),
             s.calls == 1 ? "call" : "calls", format_duration(s.incl_seconds));
  write_text_table(out, call_view_table(profile, view, callers));
}

void write_call_views(std::ostream& out, const Report& report) {
  for (bool callers : {true, false}) {
    for (const CallViews& views : callers ? report.callers : report.callees) {
      for (const CallView& view : views.views) {
        out << '\n';
        write_call_view(out, report.profile, view, callers);
      }
    }
  }
}

void write(std::ostream& out, const Report& report) {
  const Profile& profile = report.profile;
  const ReportOptions& options = report.options;
  write_header(out, profile);
  if (options.alloc || options.leaks) {
    if (!profile.heap.present)
      throw std::runtime_error(dump_names(profile) +
                               ": no allocation data (run the program with fnprof-run to track allocations)");
    if (options.alloc) out << '\n', write_heap_text(out, report, true);
    if (options.leaks) out << '\n', write_leaks_text(out, report);
    return;
  }
  out << '\n';
  // A program run under the tracker without instrumentation has allocations
  // and no calls: say why there is no function table rather than print an
  // empty one.
  const bool function_profile = profile.merged.total_calls > 0 || !profile.heap.present;
  if (function_profile)
    write_function_table(out, report, profile.merged);
  else
    out << "No instrumented calls: compile with -finstrument-functions and link libfnprof.so for the "
           "function profile.\n";
  out << '\n';
  write_findings(out, report.findings);
  write_call_views(out, report);
  write_api_text(out, profile);  // phases, checkpoints, counters, resources, stacks
  if (profile.heap.present) {
    out << '\n', write_heap_text(out, report, false);  // --alloc shows the tree and threads
    out << '\n', write_leaks_text(out, report);
  }
  if (options.tree && function_profile) {
    out << '\n';
    write_tree(out, profile, profile.merged, options);
  }
  if (options.threads && function_profile) {
    for (const ThreadProfile& thread : profile.threads) {
      out << '\n';
      write_thread(out, report, thread);
    }
  }
}

const FormatRegistration kText{{"text", "people at a terminal (the default)", false, write}};

}  // namespace

}  // namespace fnprof
