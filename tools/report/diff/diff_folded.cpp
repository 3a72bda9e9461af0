// The diff as folded pairs, the input of difffolded.pl-style differential
// flame graphs (flamegraph.pl --negate, inferno-diff-folded's output): one
// line per calling context, its frames from the outermost down joined by
// ';', then its self time in integer microseconds in the base runs and in
// the new runs (medians):
//
//   main;run;step;spin 100000 200000
//
// Sorted by path; a context of one side only has 0 on the other.
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>

#include "report/diff/diff_report.h"
#include "report/report.h"

namespace fnprof {

void write_diff_folded(std::ostream& out, const Diff& diff, const Catalog& catalog) {
  std::vector<std::pair<std::string, const Diff::ContextTime*>> lines;
  for (const Diff::ContextTime& t : diff.context_self) {
    std::string path;
    for (uint32_t f : catalog.context_functions(t.context))
      path += (path.empty() ? "" : ";") + folded_frame(catalog.name(Subject::Function, f));
    lines.emplace_back(std::move(path), &t);
  }
  std::sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [path, t] : lines) {
    auto us = [](double seconds) { return static_cast<uint64_t>(std::llround(std::max(0.0, seconds) * 1e6)); };
    if (us(t->base) || us(t->next)) fmt::print(out, "{} {} {}\n", path, us(t->base), us(t->next));
  }
}

}  // namespace fnprof
