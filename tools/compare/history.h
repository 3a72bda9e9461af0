// The runs of a program over time (perf-report history): per figure a
// series in start-time order, and the run where it stepped to a new level
// and stayed there.
//
// A change point is the run k where every run from k on lies, on the same
// side, beyond the median of the runs before k by at least the threshold and
// by at least three robust spreads of the runs before k (1.4826 x their
// median absolute deviation): a new level that held, not one slow run, and
// beyond what the figure already wandered. At least three runs on each side
// (an outlier among two runs is half of them). Of the runs that qualify, the
// one where the runs before and after overlap least is named: the first run
// at the new level (a run that drifted just before the step qualifies too).
//
// The series: the program's wall time, calls, bytes allocated, peak heap and
// leaked bytes; the top functions' self time and calls (top: by self time
// in the last run); every phase's duration and counter's value.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "compare/run_figures.h"

namespace fnprof {

inline constexpr size_t kStepRunsASide = 3;
inline constexpr double kStepSpreads = 3;

struct Series {
  FigureKey key;
  std::vector<double> values;  // per run, in run order; 0 where a run lacks it
  struct Step {
    size_t run;      // first run at the new level
    double before, after;  // medians
  };
  std::optional<Step> step;
};

struct History {
  std::vector<std::string> labels;       // per run, in start-time order
  std::vector<uint64_t> start_unix_ns;
  double threshold = 0.10;
  std::vector<Series> series;  // program, functions, phases, counters
};

// Orders `runs` by start time.
History build_history(std::vector<RunFigures> runs, size_t top_functions, double threshold);

// The change point of `values`, if any (the rule above).
std::optional<Series::Step> find_step(const std::vector<double>& values, double threshold);

}  // namespace fnprof
