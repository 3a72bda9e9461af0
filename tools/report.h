// The report writers, one file per output format, and what they share: the
// options perf-report passes through and the text formatting of durations
// and long names.
//
//   text       report_text.cpp       people at a terminal
//   json       report_json.cpp       scripts (schema: docs/report.schema.json)
//   csv        report_csv.cpp        spreadsheets, one table per file
//   md         report_markdown.cpp   pull requests, wikis
//   html       report_html.cpp       one self-contained interactive page
//   folded     report_folded.cpp     flamegraph.pl, speedscope, inferno
//   callgrind  report_callgrind.cpp  KCachegrind, callgrind_annotate
//   pprof      report_pprof.cpp      go tool pprof (gzipped profile.proto)
//   chrome     report_chrome.cpp     Perfetto UI, chrome://tracing
//
// Every writer takes the same Profile; data the dumps do not hold yet
// (allocations, phases) has a named place in each writer that fills it when
// Profile carries it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "findings.h"
#include "heap_profile.h"
#include "profile.h"

namespace fnprof {

enum class ReportFormat { Text, Json, Csv, Markdown, Html, Folded, Callgrind, Pprof, Chrome };

// What the folded stacks count: self time per call path, or calls; or, per
// allocation stack, bytes allocated or allocations.
enum class FoldedValue { Time, Calls, Bytes, Allocations };

struct ReportOptions {
  SortKey sort = SortKey::Self;
  size_t top = 20;                  // rows of each function table
  bool threads = false;             // per-thread tables (and trees with `tree`)
  bool tree = false;                // the calling-context tree
  double min_percent = 1.0;         // tree nodes below this % of the total are cut
  std::string table = "functions";  // csv: which table
  FoldedValue folded_value = FoldedValue::Time;
  std::vector<std::string> callers, callees;  // --callers/--callees FUNC
  FindingThresholds thresholds;               // the bottleneck findings
  bool alloc = false;                         // --alloc: only the allocation report
  bool leaks = false;                         // --leaks: only the leak report
  AllocSortKey alloc_sort = AllocSortKey::Bytes;
  size_t stack_depth = 3;  // caller frames shown under each allocation site
};

// "text", "json", ... as --format spells them; parse_report_format returns
// false for an unknown name.
std::string_view report_format_name(ReportFormat format);
bool parse_report_format(std::string_view name, ReportFormat& format);

// Writes `profile` in `format`. Throws std::runtime_error (one line, naming
// the dump) when the format cannot show what was asked, e.g. a csv table
// whose data the dumps do not hold.
void write_report(std::ostream& out, ReportFormat format, const Profile& profile,
                  const ReportOptions& options);

void write_text_report(std::ostream& out, const Profile& profile, const ReportOptions& options);
void write_json_report(std::ostream& out, const Profile& profile, const ReportOptions& options);
void write_csv_report(std::ostream& out, const Profile& profile, const ReportOptions& options);
void write_markdown_report(std::ostream& out, const Profile& profile, const ReportOptions& options);
void write_html_report(std::ostream& out, const Profile& profile, const ReportOptions& options);
void write_folded_report(std::ostream& out, const Profile& profile, const ReportOptions& options);
void write_callgrind_report(std::ostream& out, const Profile& profile, const ReportOptions& options);
void write_pprof_report(std::ostream& out, const Profile& profile, const ReportOptions& options);
void write_chrome_report(std::ostream& out, const Profile& profile, const ReportOptions& options);

// The csv tables, in the order --table lists them.
inline constexpr std::string_view kCsvTables[] = {"functions", "allocators", "leaks",
                                                  "phases",    "counters",   "resources"};

// "0", "12ns", "3.40µs", "12.3ms", "1.23s", "4m 5.67s", "2h 3m 4s".
std::string format_duration(double seconds);

// "1234567" -> "1,234,567".
std::string group_digits(uint64_t n);

// "512 B", "4.2 KiB", "45.6 MiB", "1.20 GiB".
std::string format_bytes(uint64_t bytes);

// "950.00/s", "12.35k/s", "1.20M/s", "3.00G/s".
std::string format_rate(double per_second);

// "12.3%", or "-" when `whole` is 0.
std::string percent(double part, double whole);

// The command line as a shell would take it back: "./app -n 3 'a b'".
std::string command_line(const std::vector<std::string>& args);

// The function's name, "<root>" for kNoFunction.
const std::string& function_name(const Profile& profile, uint32_t function);

// The dumps the profile came from, "a.fnp, b.fnp", for error messages.
std::string dump_names(const Profile& profile);

// Calls visit(node, path) for every node of `tree` but the root, depth-first
// in child order (largest first), where `path` holds the node indices from
// the root's child down to `node` itself.
template <class Visit>
void walk_paths(const CallTree& tree, Visit&& visit) {
  std::vector<uint32_t> path;
  struct Step {
    uint32_t node;
    uint32_t depth;  // of the node; path is cut back to it before visiting
  };
  std::vector<Step> steps;
  const auto& root_children = tree.nodes[0].children;
  for (auto it = root_children.rbegin(); it != root_children.rend(); ++it) steps.push_back({*it, 0});
  while (!steps.empty()) {
    Step step = steps.back();
    steps.pop_back();
    path.resize(step.depth);
    path.push_back(step.node);
    visit(step.node, static_cast<const std::vector<uint32_t>&>(path));
    const auto& children = tree.nodes[step.node].children;
    for (auto it = children.rbegin(); it != children.rend(); ++it) steps.push_back({*it, step.depth + 1});
  }
}

// Visits a tree depth-first for printing: children in their stored order,
// each child `keep` rejects skipped with its subtree and counted. Calls
// row(node, depth) for every node kept below `root` (depth 0: its children).
// Returns the number of skipped children.
template <class Children, class Keep, class Row>
size_t print_tree(uint32_t root, Children&& children_of, Keep&& keep, Row&& row) {
  size_t hidden = 0;
  struct Step {
    uint32_t node;
    size_t depth;
  };
  std::vector<Step> steps;
  // Pushed in reverse, to pop in order.
  auto push_children = [&](uint32_t node, size_t depth) {
    const auto& children = children_of(node);
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      if (keep(*it))
        steps.push_back({*it, depth});
      else
        ++hidden;
    }
  };
  push_children(root, 0);
  while (!steps.empty()) {
    Step step = steps.back();
    steps.pop_back();
    row(step.node, step.depth);
    push_children(step.node, step.depth + 1);
  }
  return hidden;
}

// `name` cut to at most `width` characters (code points): parameter lists and
// then template arguments collapse to "(…)" and "<…>", and what is still too
// long keeps its end, where the function's own name is.
std::string elide_name(std::string_view name, size_t width);

}  // namespace fnprof
