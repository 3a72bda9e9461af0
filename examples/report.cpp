#include "report.h"

#include <cstdio>
#include <utility>

namespace {

int partition(std::vector<double>& v, int lo, int hi) {
  const double pivot = v[lo + (hi - lo) / 2];
  int i = lo - 1, j = hi + 1;
  for (;;) {
    do ++i; while (v[i] < pivot);
    do --j; while (v[j] > pivot);
    if (i >= j) return j;
    std::swap(v[i], v[j]);
  }
}

}  // namespace

void quicksort(std::vector<double>& values, int lo, int hi) {
  if (lo >= hi) return;
  const int p = partition(values, lo, hi);
  quicksort(values, lo, p);
  quicksort(values, p + 1, hi);
}

SheetOutcome summarize(unsigned seed, const Sheet& sheet, const RecalcResult& last) {
  std::vector<double> values = sheet.values();
  quicksort(values, 0, static_cast<int>(values.size()) - 1);
  SheetOutcome outcome;
  outcome.seed = seed;
  outcome.last = last;
  if (!values.empty()) {
    outcome.median = values[values.size() / 2];
    outcome.largest = values.back();
  }
  return outcome;
}

void print_report(const std::vector<SheetOutcome>& outcomes, int recalcs) {
  std::printf("%-6s %9s %7s %15s %12s %14s\n", "sheet", "formulas", "errors", "sum", "median", "largest");
  double total = 0;
  int errors = 0;
  for (const SheetOutcome& o : outcomes) {
    std::printf("%-6u %9d %7d %15.3f %12.3f %14.3f\n", o.seed, o.last.formulas, o.last.errors, o.last.sum,
                o.median, o.largest);
    total += o.last.sum;
    errors += o.last.errors;
  }
  std::printf("%zu sheets, %d recalculations, %d error cells, total %.3f\n", outcomes.size(), recalcs,
              errors, total);
}
