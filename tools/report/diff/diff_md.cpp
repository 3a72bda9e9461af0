// The diff as a pull-request comment: a verdict line, the method, then one
// table per list of changes.
#include <fmt/ostream.h>

#include "compare/diff_table.h"
#include "report/diff/diff_report.h"
#include "report/formats/md_table.h"

namespace fnprof {

void write_diff_md(std::ostream& out, const Diff& diff, const Catalog& catalog) {
  fmt::print(out, "## fnprof diff: {}\n\n", md_text(diff_tally(diff)));
  fmt::print(out, "{} base run{} against {} new run{}. {}\n", diff.base_labels.size(),
             diff.base_labels.size() == 1 ? "" : "s", diff.new_labels.size(), diff.new_labels.size() == 1 ? "" : "s",
             md_text(diff_method(diff)));
  for (const std::string& note : diff.notes) fmt::print(out, "\n> {}\n", md_text(note));
  for (const Table& t : diff_tables(diff, catalog)) {
    fmt::print(out, "\n### {}\n\n", t.title);
    write_md_table(out, t);
  }
}

}  // namespace fnprof
