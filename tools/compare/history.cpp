#include "compare/history.h"

#include <algorithm>
#include <cmath>

#include "compare/statistics.h"

namespace fnprof {

std::optional<Series::Step> find_step(const std::vector<double>& values, double threshold) {
  std::optional<Series::Step> best;
  double best_gap = 0;
  for (size_t k = kStepRunsASide; k + kStepRunsASide <= values.size(); ++k) {
    std::vector<double> before(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k));
    std::vector<double> after(values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    double b = median(before), a = median(after);
    if (b <= 0) continue;
    std::vector<double> deviations;
    for (double v : before) deviations.push_back(std::fabs(v - b));
    // The before-side's own spread, robustly: 1.4826 x MAD estimates the
    // standard deviation of normal noise, and one outlier barely moves it.
    const double least = std::max(threshold * b, kStepSpreads * 1.4826 * median(deviations));
    const bool up = a > b;
    bool held = std::all_of(after.begin(), after.end(), [&](double v) { return up ? v - b >= least : b - v >= least; });
    if (!held) continue;
    // Where the sides overlap least: a run that drifted up just before
    // the step also passes the test, but lies nearer the old level.
    auto [lo_before, hi_before] = std::minmax_element(before.begin(), before.end());
    auto [lo_after, hi_after] = std::minmax_element(after.begin(), after.end());
    const double gap = up ? *lo_after - *hi_before : *lo_before - *hi_after;
    if (!best || gap > best_gap) best = Series::Step{k, b, a}, best_gap = gap;
  }
  return best;
}

History build_history(std::vector<RunFigures> runs, size_t top_functions, double threshold) {
  std::stable_sort(runs.begin(), runs.end(),
                   [](const RunFigures& a, const RunFigures& b) { return a.start_unix_ns < b.start_unix_ns; });
  History h;
  h.threshold = threshold;
  for (const RunFigures& r : runs) {
    h.labels.push_back(r.label);
    h.start_unix_ns.push_back(r.start_unix_ns);
  }
  std::vector<FigureKey> keys;
  for (Measure m : {Measure::WallTime, Measure::Calls, Measure::BytesAllocated, Measure::PeakHeap,
                    Measure::LeakedBytes})
    keys.push_back({Subject::Program, m, 0});
  if (!runs.empty()) {
    std::vector<std::pair<double, uint32_t>> by_self;
    for (const auto& [key, value] : runs.back().values)
      if (key.subject == Subject::Function && key.measure == Measure::SelfTime) by_self.emplace_back(value, key.id);
    std::stable_sort(by_self.begin(), by_self.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (by_self.size() > top_functions) by_self.resize(top_functions);
    for (const auto& [self, id] : by_self) {
      keys.push_back({Subject::Function, Measure::SelfTime, id});
      keys.push_back({Subject::Function, Measure::Calls, id});
    }
  }
  std::vector<FigureKey> api;
  for (const RunFigures& r : runs)
    for (const auto& [key, value] : r.values)
      if (key.subject == Subject::Phase || key.subject == Subject::Counter || key.subject == Subject::Benchmark)
        api.push_back(key);
  std::sort(api.begin(), api.end());
  api.erase(std::unique(api.begin(), api.end()), api.end());
  keys.insert(keys.end(), api.begin(), api.end());

  for (const FigureKey& key : keys) {
    Series s{key, {}, std::nullopt};
    bool present = false;
    for (const RunFigures& r : runs) {
      auto it = r.values.find(key);
      present = present || it != r.values.end();
      s.values.push_back(it == r.values.end() ? 0 : it->second);
    }
    if (!present) continue;
    s.step = find_step(s.values, threshold);
    h.series.push_back(std::move(s));
  }
  return h;
}

}  // namespace fnprof
