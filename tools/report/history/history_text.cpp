// A history for a terminal: the runs, the rule, the table.
#include <fmt/ostream.h>

#include "compare/history_table.h"
#include "report/formats/text_table.h"
#include "report/history/history_report.h"

namespace fnprof {

void write_history_text(std::ostream& out, const History& history, const Catalog& catalog) {
  size_t steps = 0;
  for (const Series& s : history.series) steps += s.step.has_value();
  fmt::print(out, "fnprof history: {} runs, {} series, {} stepped\n", history.labels.size(), history.series.size(),
             steps);
  fmt::print(out, "{}\n\n", step_rule(history));
  write_text_table(out, history_table(history, catalog));
}

}  // namespace fnprof
