// A history as a table for people (text, md): one row per series with its
// first and last value, its range, a sparkline of its runs and the run
// where it stepped.
#pragma once

#include <string>
#include <vector>

#include "analysis/table.h"
#include "compare/history.h"

namespace fnprof {

// The runs drawn in a sparkline: the latest ones.
inline constexpr size_t kSparklineRuns = 40;

Table history_table(const History& history, const Catalog& catalog);

// "▁▃█▆": each value's height between the series' lowest and highest.
std::string sparkline(const std::vector<double>& values);

// "run 4 (fnprof.app.4242.fnp): +33.3%, 600ms -> 800ms", or "".
std::string step_text(const History& history, const Series& series);

}  // namespace fnprof
