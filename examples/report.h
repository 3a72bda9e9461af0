// What the example prints: a summary of all recalculated sheets.
#pragma once

#include <vector>

#include "sheet.h"

struct SheetOutcome {
  unsigned seed = 0;
  RecalcResult last;     // of the final recalculation
  double median = 0;     // of the sheet's cell values
  double largest = 0;
};

// Sorts `values` in place: a textbook recursive quicksort.
void quicksort(std::vector<double>& values, int lo, int hi);

SheetOutcome summarize(unsigned seed, const Sheet& sheet, const RecalcResult& last);
void print_report(const std::vector<SheetOutcome>& outcomes, int recalcs);
