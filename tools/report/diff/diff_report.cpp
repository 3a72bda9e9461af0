#include "report/diff/diff_report.h"

#include <fmt/format.h>

#include <map>

#include "compare/diff_table.h"

namespace fnprof {

const std::vector<DiffFormat>& diff_formats() {
  static const std::vector<DiffFormat> formats = {
      {"text", "the changes worst first, with their evidence", write_diff_text},
      {"md", "the same for a pull-request comment (GitHub Markdown)", write_diff_md},
      {"json", "every change with its per-run values (docs/diff.schema.json)", write_diff_json},
      {"html", "one self-contained page: sortable tables and a differential flame graph", write_diff_html},
      {"folded", "self time per calling context, base and new: 'main;f 120 180' (differential flame graphs)",
       write_diff_folded},
  };
  return formats;
}

const DiffFormat* find_diff_format(std::string_view name) {
  for (const DiffFormat& f : diff_formats())
    if (f.name == name) return &f;
  return nullptr;
}

std::string diff_method(const Diff& diff) {
  std::string exact = "Calls, allocations, bytes and leaks are compared exactly when every run of a side agrees";
  double threshold = diff.options.threshold * 100;
  if (diff.noise_tested)
    return fmt::format("{}; times and varying figures by a Mann-Whitney U test over the runs (a change when "
                       "p < {:g} and the median moved by at least {:g}%).",
                       exact, diff.options.alpha, threshold);
  return fmt::format("{}; times by the {:g}% threshold alone: noise was not tested, as a side has a single run "
                     "(run each side {} times or more for a U test at alpha {:g}).",
                     exact, threshold, diff.runs_needed, diff.options.alpha);
}

std::string diff_tally(const Diff& diff) {
  auto plural = [](size_t n, std::string_view word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); };
  std::string text = plural(diff.regressions.size(), "regression");
  if (!diff.regressions.empty()) {
    std::map<Severity, size_t, std::greater<>> by;
    for (const Change& c : diff.regressions) ++by[c.severity];
    std::string parts;
    for (const auto& [s, n] : by) parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", n, severity_name(s));
    text += " (" + parts + ")";
  }
  text += ", " + plural(diff.improvements.size(), "improvement");
  if (!diff.neutral.empty()) text += ", " + plural(diff.neutral.size(), "neutral change");
  return text;
}

std::string worst_change_line(const Diff& diff, const Catalog& catalog) {
  if (diff.regressions.empty()) return "no regression";
  const Change& c = diff.regressions.front();
  return fmt::format("{}: {} {} of {} ({} -> {})", severity_name(c.severity), change_text(c), measure_name(c.key.measure),
                     subject_text(c, catalog), measure_value_text(c.key.measure, c.base_value),
                     measure_value_text(c.key.measure, c.new_value));
}

}  // namespace fnprof
