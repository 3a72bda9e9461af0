// The diff for a terminal: which runs, how they were compared, then the
// regressions worst first, the improvements and the neutral changes.
#include <fmt/ostream.h>

#include "compare/diff_table.h"
#include "report/diff/diff_report.h"
#include "report/formats/text_table.h"

namespace fnprof {
namespace {

std::string runs_line(const std::vector<std::string>& labels) {
  std::string line;
  for (size_t i = 0; i < labels.size() && i < 3; ++i) line += (i ? ", " : "") + labels[i];
  if (labels.size() > 3) line += fmt::format(", … ({} runs)", labels.size());
  return line;
}

}  // namespace

void write_diff_text(std::ostream& out, const Diff& diff, const Catalog& catalog) {
  fmt::print(out, "fnprof diff: {} base run{} against {} new run{}\n", diff.base_labels.size(),
             diff.base_labels.size() == 1 ? "" : "s", diff.new_labels.size(), diff.new_labels.size() == 1 ? "" : "s");
  fmt::print(out, "  base: {}\n  new:  {}\n", runs_line(diff.base_labels), runs_line(diff.new_labels));
  fmt::print(out, "{}\n", diff_method(diff));
  for (const std::string& note : diff.notes) fmt::print(out, "note: {}\n", note);
  fmt::print(out, "{} figures compared: {}\n", diff.figures_compared, diff_tally(diff));
  for (const Table& t : diff_tables(diff, catalog)) {
    fmt::print(out, "\n{}\n", t.title);
    write_text_table(out, t);
  }
}

}  // namespace fnprof
