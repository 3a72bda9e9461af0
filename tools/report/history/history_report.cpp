#include "report/history/history_report.h"

#include <fmt/format.h>

namespace fnprof {

std::string step_rule(const History& history) {
  return fmt::format("A step: from some run on, every run beyond the median of the runs before it by {:g}% and by "
                     "{:g} of their robust spreads (1.4826 x MAD), on one side, with {} runs or more on each side.",
                     history.threshold * 100, kStepSpreads, kStepRunsASide);
}

const std::vector<HistoryFormat>& history_formats() {
  static const std::vector<HistoryFormat> formats = {
      {"text", "a row per series: first, last, a sparkline, the run where it stepped", write_history_text},
      {"md", "the same for a pull request or a wiki page", write_history_md},
      {"json", "every run's value of every series, and the steps", write_history_json},
      {"html", "one page: a chart of every run per series, the steps marked", write_history_html},
  };
  return formats;
}

const HistoryFormat* find_history_format(std::string_view name) {
  for (const HistoryFormat& f : history_formats())
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace fnprof
