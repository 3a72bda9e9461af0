// A Markdown report (GitHub-flavoured) for a pull request or a wiki page: a
// summary table about the run, the bottleneck findings, the top functions,
// and on request callers/callees, the tree and the threads.
//
// Function names go in code spans, so `<`, `>`, `*` and `_` in C++ names are
// shown as they are; `|` is escaped even there, as GFM splits table cells
// first. Prose that quotes a name is escaped for Markdown. With the
// allocation tracker's data, an "Allocations" table (the top sites by
// --sort's allocation key) and a "Leaks" list (each finding with its
// severity) follow the findings; then, with the instrumentation API's data,
// "Phases" (nested phases indented), "Checkpoints", "Counters" and a
// "Resources" summary, the figures of the text report's API tables.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>

#include "model/call_views.h"
#include "report/formats/heap_report.h"
#include "analysis/leaks.h"
#include "report/formats/api_report.h"
#include "analysis/tables.h"
#include "report/report.h"
#include "report/formats/md_table.h"
#include "report/values.h"

namespace fnprof {
namespace {

constexpr size_t kTreeNameWidth = 100;

std::string location(const Frame& symbol) {
  if (symbol.file.empty()) return "";
  return md_code(symbol.line ? fmt::format("{}:{}", symbol.file, symbol.line) : symbol.file);
}

void write_summary(std::ostream& out, const Profile& profile) {
  const ProcessSummary& first = profile.processes.front();
  std::string pids;
  for (const ProcessSummary& p : profile.processes)
    pids += (pids.empty() ? "" : ", ") + std::to_string(p.pid);
  fmt::print(out, "# fnprof report: {}\n\n", md_text(first.program));
  out << "| | |\n|---|---|\n";
  fmt::print(out, "| command line | {} |\n", md_code(command_line(first.args)));
  fmt::print(out, "| {} | {} |\n", profile.processes.size() > 1 ? "pids" : "pid", pids);
  fmt::print(out, "| threads | {} |\n", profile.threads.size());
  fmt::print(out, "| wall time | {}{} |\n", format_duration(profile.wall_seconds),
             profile.processes.size() > 1 ? " (longest process)" : "");
  fmt::print(out, "| clock | {} |\n", md_text(profile.clock));
  fmt::print(out, "| total calls | {} |\n", group_digits(profile.merged.total_calls));
  fmt::print(out, "| time in profiled functions | {} |\n", format_duration(profile.merged.total_seconds));
  if (std::string note = probe_note(profile.probe); !note.empty()) fmt::print(out, "| probe cost | {} |\n", md_text(note));
}

void write_findings(std::ostream& out, const Profile& profile, const std::vector<Finding>& findings) {
  out << "\n## Findings\n\n";
  if (findings.empty()) {
    out << "None above the thresholds.\n";
    return;
  }
  for (const Finding& f : findings) {
    // The title names the function first: shown as code, the rest as prose.
    std::string title = md_text(f.title);
    if (f.function != kNoFunction && f.title.starts_with(function_name(profile, f.function)))
      title = md_code(function_name(profile, f.function)) +
              md_text(f.title.substr(function_name(profile, f.function).size()));
    fmt::print(out, "- **{}** ({}): {}  \n", severity_name(f.severity), f.kind, title);
    fmt::print(out, "  *Evidence:* {}  \n", md_text(f.evidence));
    fmt::print(out, "  *Recommendation:* {}\n", md_text(f.recommendation));
  }
}

void write_allocations(std::ostream& out, const Report& report) {
  const HeapProfile& heap = report.profile.heap;
  const ReportOptions& options = report.options;
  const AllocCounts& t = heap.totals;
  const std::vector<HeapSite>& sites = report.shown_sites.sites;
  std::vector<size_t> ids = report.table_rows(report.shown_sites);
  fmt::print(out, "\n## Allocations\n\n{} allocations ({}), {} frees, peak {}; {} in {} {} at the end.\n\n",
             group_digits(t.allocations), format_bytes(t.bytes_allocated), group_digits(t.frees),
             format_bytes(t.peak_live_bytes), format_bytes(heap.live_bytes), group_digits(heap.live_blocks),
             heap.live_blocks == 1 ? "block" : "blocks");
  fmt::print(out, "{}:\n\n", report.site_table_title(report.shown_sites));
  if (ids.empty()) return;
  out << "| # | site | allocations | allocated | at peak | leaked | temporary | file:line | called from |\n";
  out << "|--:|---|--:|--:|--:|--:|--:|---|---|\n";
  for (size_t i = 0; i < ids.size(); ++i) {
    const HeapSite& site = sites[ids[i]];
    const AllocCounts& c = site.counts;
    std::string where, callers;
    if (!site.frames.empty()) {
      where = location(site.frames[naming_frame(site)]);
      for (size_t f = naming_frame(site) + 1, n = 0; f < site.frames.size() && n < options.stack_depth;
           ++f, ++n)
        callers += (callers.empty() ? "" : " ← ") + md_code(site.frames[f].function);
    }
    fmt::print(out, "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", i + 1, md_code(site_name(site)),
               group_digits(c.allocations), format_bytes(c.bytes_allocated), format_bytes(c.bytes_at_peak),
               format_bytes(c.leaked_bytes(heap.scanned)), group_digits(c.temporary), where, callers);
  }
}

void write_leaks(std::ostream& out, const Report& whole) {
  const LeakReport& report = whole.leaks;
  fmt::print(out, "\n## Leaks\n\n{}{}", report.at_exit ? "" : "(the dump was not taken at exit) ",
             md_text(report.summary));
  out << ".\n\n";
  if (report.leaks.empty()) out << "No leak findings.\n";
  for (const Leak& leak : report.leaks) {
    // The title names the site already.
    fmt::print(out, "- **{}** ({}): {}  \n", severity_name(leak.severity), leak.kind, md_text(leak.title));
    fmt::print(out, "  *Evidence:* {}  \n", md_text(leak.evidence));
    fmt::print(out, "  *Recommendation:* {}\n", md_text(leak.recommendation));
  }
  if (!report.reachable.empty()) {
    fmt::print(out, "\n### {} (not counted as leaks), by bytes\n\n",
               report.scanned ? "Still reachable" : "Kept from start-up");
    const size_t shown = std::min(report.reachable.size(), kReachableShown);
    for (size_t i = 0; i < shown; ++i) fmt::print(out, "- {}\n", md_text(report.reachable[i].title));
    if (shown < report.reachable.size())
      fmt::print(out, "- and {} more sites (json and csv list them all)\n", report.reachable.size() - shown);
  }
  fmt::print(out, "\n*How leaks were told apart:* {}.\n", md_text(report.method));
}

void write_phases(std::ostream& out, const ApiProfile& api) {
  out << "\n## Phases\n\nBy name; nested phases are indented under the phase they ran in.\n\n";
  write_md_table(out, phase_table(api));
  if (api.dropped_phases)
    fmt::print(out, "\n{} phases not recorded: a thread's log was full or nested too deep.\n",
               group_digits(api.dropped_phases));
  Table rates = phase_counter_table(api);
  if (rates.rows.empty()) return;
  fmt::print(out, "\n{}:\n\n", rates.title);
  write_md_table(out, rates);
}

void write_resources(std::ostream& out, const ResourceSummary& r) {
  fmt::print(out,
             "\n## Resources\n\n{} {} every {}; the sampler cost {:.3f}% of a CPU.\n\n| | |\n|---|---|\n",
             group_digits(r.samples), r.samples == 1 ? "sample" : "samples",
             format_duration(r.interval_seconds), r.sampler_cpu_percent);
  for (const auto& [label, value] : resource_rows(r)) fmt::print(out, "| {} | {} |\n", label, value);
}

void write_function_table(std::ostream& out, const Report& report, const CallTree& tree, const char* heading) {
  Table table = function_table(report, tree);
  fmt::print(out, "\n{} {}\n\n", heading, table.title);
  if (table.human_rows) write_md_table(out, table);
}

void write_call_views(std::ostream& out, const Report& report) {
  const Profile& profile = report.profile;
  for (bool callers : {true, false}) {
    for (const CallViews& views : callers ? report.callers : report.callees) {
      for (const CallView& view : views.views) {
        const FunctionStats& s = view.stats;
        fmt::print(out, "\n## {} of {}\n\n{} calls, {} inclusive.\n\n", callers ? "Callers" : "Callees",
                   md_code(function_name(profile, view.function)), group_digits(s.calls),
                   format_duration(s.incl_seconds));
        write_md_table(out, call_view_table(profile, view, callers));
      }
    }
  }
}

// The tree as a fenced block, like the text report's.
void write_tree(std::ostream& out, const Profile& profile, const CallTree& unfolded,
                const ReportOptions& options) {
  const CallTree tree = fold_recursion(unfolded);
  const double cut = tree.total_seconds * options.min_percent / 100;
  fmt::print(out, "\n## Calling-context tree\n\nNodes below {}% of {} are not shown.\n\n```\n",
             options.min_percent, format_duration(tree.total_seconds));
  fmt::print(out, "{:>7}  {:>10}  {:>10}  {:>12}  {}\n", "% incl", "incl total", "self total", "calls",
             "function");
  std::vector<bool> shown(tree.nodes.size(), false);
  shown[0] = true;
  walk_paths(tree, [&](uint32_t n, const std::vector<uint32_t>& path) {
    const ProfileNode& node = tree.nodes[n];
    shown[n] = shown[node.parent] && node.incl_seconds >= cut && node.incl_seconds > 0;
    if (!shown[n]) return;
    std::string name = elide_name(tree_node_name(profile, node), kTreeNameWidth);
    // A fence of backticks inside the block would end it.
    for (size_t at; (at = name.find("```")) != std::string::npos;) name.replace(at, 3, "'''");
    fmt::print(out, "{:>7}  {:>10}  {:>10}  {:>12}  {}{}\n",
               percent(node.incl_seconds, tree.total_seconds), format_duration(node.incl_seconds),
               format_duration(node.self_seconds), group_digits(node.calls), tree_indent(path.size() - 1), name);
  });
  out << "```\n";
}

void write_threads(std::ostream& out, const Profile& profile) {
  out << "\n## Threads\n\n| pid | tid | name | wall | running | blocked | on-CPU | calls | time in profiled functions | notes |\n";
  out << "|--:|--:|---|--:|--:|--:|--:|--:|--:|---|\n";
  for (const ThreadProfile& t : profile.threads) {
    std::string notes = t.running ? "still running" : "";
    if (t.truncated) notes += std::string(notes.empty() ? "" : ", ") + "**truncated**";
    fmt::print(out, "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", t.pid, t.tid,
               t.name.empty() ? "" : md_code(t.name), format_duration(t.wall_seconds),
               format_duration(t.running_seconds()), format_duration(t.blocked_seconds()),
               t.cpu_seconds ? format_duration(*t.cpu_seconds) : "",
               group_digits(t.tree.total_calls), format_duration(t.tree.total_seconds), notes);
  }
}

void write(std::ostream& out, const Report& report) {
  const Profile& profile = report.profile;
  const ReportOptions& options = report.options;
  write_summary(out, profile);
  write_findings(out, profile, report.findings);
  if (profile.heap.present) {
    write_allocations(out, report);
    write_leaks(out, report);
  }
  const ApiProfile& api = profile.api;
  if (!api.phases.empty()) write_phases(out, api);
  for (const Table& table : {checkpoint_table(api), counter_table(api)}) {
    if (table.rows.empty()) continue;
    fmt::print(out, "\n## {}\n\n", table.title);
    write_md_table(out, table);
  }
  if (api.resources.present) write_resources(out, api.resources);
  write_function_table(out, report, profile.merged, "##");
  write_call_views(out, report);
  if (options.tree) write_tree(out, profile, profile.merged, options);
  if (options.threads) {
    write_threads(out, profile);
    for (const ThreadProfile& t : profile.threads) {
      fmt::print(out, "\n### Thread {}{}\n", t.tid, t.name.empty() ? "" : " " + md_code(t.name));
      write_function_table(out, report, t.tree, "####");
    }
  }
}

const FormatRegistration kMarkdown{{"md", "Markdown, for pull requests and wikis", false, write}};

}  // namespace

}  // namespace fnprof
