// A history for scripts: every run's value of every series (raw: seconds,
// bytes, counts) and each step.
#include <nlohmann/json.hpp>

#include "report/history/history_report.h"

namespace fnprof {

void write_history_json(std::ostream& out, const History& history, const Catalog& catalog) {
  nlohmann::json series = nlohmann::json::array();
  for (const Series& s : history.series) {
    nlohmann::json j = {{"subject", subject_name(s.key.subject)},
                        {"name", catalog.name(s.key.subject, s.key.id)},
                        {"measure", measure_name(s.key.measure)},
                        {"values", s.values}};
    if (s.step) j["step"] = {{"run", s.step->run}, {"before", s.step->before}, {"after", s.step->after}};
    series.push_back(std::move(j));
  }
  nlohmann::json j = {{"fnprof_history_version", 1},
                      {"runs", history.labels},
                      {"start_unix_ns", history.start_unix_ns},
                      {"threshold", history.threshold},
                      {"series", std::move(series)}};
  out << j.dump(2) << '\n';
}

}  // namespace fnprof
