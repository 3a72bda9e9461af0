#include "compare/history_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "compare/diff_table.h"

namespace fnprof {

std::string sparkline(const std::vector<double>& values) {
  static const char* const kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (values.empty()) return "";
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  std::string line;
  for (double v : values) {
    size_t bar = *hi > *lo ? static_cast<size_t>((v - *lo) / (*hi - *lo) * 7 + 0.5) : 3;
    line += kBars[bar];
  }
  return line;
}

std::string step_text(const History& history, const Series& s) {
  if (!s.step) return "";
  const std::string run = std::filesystem::path(history.labels[s.step->run]).filename().string();
  return fmt::format("run {} ({}): {:+.1f}%, {} -> {}", s.step->run + 1, run, (s.step->after / s.step->before - 1) * 100,
                     measure_value_text(s.key.measure, s.step->before), measure_value_text(s.key.measure, s.step->after));
}

Table history_table(const History& history, const Catalog& catalog) {
  Table t{"history",
          fmt::format("{} runs, oldest first", history.labels.size()),
          {{"subject", "of", Kind::Text},
           {"name", "name", Kind::Name},
           {"measure", "measure", Kind::Text},
           {"first", "first", Kind::Text},
           {"last", "last", Kind::Text},
           {"trend", "trend", Kind::Text},
           {"step", "stepped at", Kind::Text}}};
  for (const Series& s : history.series) {
    const auto& v = s.values;
    std::vector<double> recent(v.end() - static_cast<std::ptrdiff_t>(std::min(v.size(), kSparklineRuns)), v.end());
    t.rows.push_back({std::string(subject_name(s.key.subject)),
                      s.key.subject == Subject::Program ? std::string() : catalog.name(s.key.subject, s.key.id),
                      std::string(measure_name(s.key.measure)), measure_value_text(s.key.measure, v.front()),
                      measure_value_text(s.key.measure, v.back()), sparkline(recent), step_text(history, s)});
  }
  t.human_rows = t.rows.size();
  return t;
}

}  // namespace fnprof
