// A comparison of two sets of runs: which figures changed, how surely and
// how much it matters.
//
// - A figure every run of a side agrees on (calls, allocations, bytes and
//   leaks, when the program does the same work each run) is compared
//   exactly: any difference is a change, however small.
// - Any other figure (times, and counts that vary from run to run) is
//   compared by the Mann-Whitney U test over the runs' values when each side
//   has two runs or more: a change when p < alpha and the median moved by at
//   least the threshold. The size is the Hodges-Lehmann shift over the base
//   median, with its confidence interval. With one run a side, the threshold
//   alone decides and the diff says that noise was not tested. A time that
//   moved by less than 0.1% of the total time is not a change either way.
// - Direction: more time, calls, bytes or leaks is worse; a counter is worse
//   in the direction its declaration says (fnprof_counter_direction), and a
//   neutral counter's change is neither.
// - Severity from the size of the change and the share of its side's total
//   that the figure holds (the larger side):
//     critical  size >= 4 x threshold and share >= 20%
//     high      size >= 2 x threshold and share >= 5%, or leaks appearing
//     medium    size >= threshold and share >= 1%
//     low       any other change
//   Counters and the program's own figures have a share of 100%; leaks are a
//   share of the bytes (blocks) allocated.
//
//   Diff d = diff_runs(base, next, catalog, DiffOptions{});
//   for (const Change& c : d.regressions) ...
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/findings.h"
#include "compare/run_figures.h"
#include "compare/statistics.h"

namespace fnprof {

// "low", "medium", "high", "critical" (findings' scale, analysis/findings.h;
// a change is never "info"); false for anything else.
bool parse_severity(std::string_view name, Severity& severity);

struct DiffOptions {
  double alpha = 0.05;
  double threshold = 0.10;  // relative change of a measured figure
  // A time that moved by less than this share of its side's total time (or
  // by less than min_seconds) is not a change: the noise of one system call
  // or cache miss lives there, and no user would act on it. At 0.1%, a
  // program compared with itself flagged main's self time (its first puts,
  // 93 us +- 15% of a 15 ms run) in 1 comparison of 12.
  double min_time_share = 0.005;
  double min_seconds = 1e-6;
};

enum class ChangeKind { Changed, Added, Removed };

struct Change {
  FigureKey key;
  ChangeKind kind = ChangeKind::Changed;
  std::vector<double> base, next;  // per run
  double base_value = 0, new_value = 0;  // the exact value, or the median
  double relative = 0;                   // new / base - 1 (infinite when base is 0)
  bool exact = false;                    // compared exactly (every run agreed)
  bool tested = false;                   // by the U test
  double p = 1;
  double low = 0, high = 0;  // confidence interval of `relative` (tested only)
  double share = 0;          // of the side's total of the measure, 0-1
  Severity severity = Severity::Low;
  bool worse = false, better = false;  // neither for a neutral counter
  // For a function's calls: the contexts whose calls changed, largest first.
  struct Context {
    uint32_t context;
    double base, next;
  };
  std::vector<Context> contexts;
};

struct Diff {
  std::vector<std::string> base_labels, new_labels;
  DiffOptions options;
  bool noise_tested = false;  // two runs or more on each side
  size_t runs_needed = 0;     // per side, for the U test to reach alpha
  std::vector<Change> regressions;   // worst first
  std::vector<Change> improvements;  // largest first
  std::vector<Change> neutral;       // neutral counters that changed
  size_t figures_compared = 0;
  std::vector<std::string> notes;
  // Every calling context's self time (medians) on both sides, for the
  // differential flame graph; contexts of one side only have 0 on the other.
  struct ContextTime {
    uint32_t context;
    double base, next;
  };
  std::vector<ContextTime> context_self;
};

Diff diff_runs(const std::vector<RunFigures>& base, const std::vector<RunFigures>& next, const Catalog& catalog,
               const DiffOptions& options);

// The highest severity among the regressions; false when there is none.
bool worst_severity(const Diff& diff, Severity& worst);

}  // namespace fnprof
