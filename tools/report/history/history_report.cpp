#include "report/history/history_report.h"

namespace fnprof {

const std::vector<HistoryFormat>& history_formats() {
  static const std::vector<HistoryFormat> formats = {
      {"text", "a row per series: first, last, a sparkline, the run where it stepped", write_history_text},
      {"md", "the same for a pull request or a wiki page", write_history_md},
      {"json", "every run's value of every series, and the steps", write_history_json},
  };
  return formats;
}

const HistoryFormat* find_history_format(std::string_view name) {
  for (const HistoryFormat& f : history_formats())
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace fnprof
