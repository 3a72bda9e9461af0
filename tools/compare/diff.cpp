#include "compare/diff.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace fnprof {
namespace {

constexpr size_t kContextsPerChange = 5;

double value_in(const RunFigures& run, const FigureKey& key) {
  auto it = run.values.find(key);
  return it == run.values.end() ? 0 : it->second;
}

bool present_in(const std::vector<RunFigures>& runs, const FigureKey& key) {
  for (const RunFigures& r : runs)
    if (r.values.count(key)) return true;
  return false;
}

bool all_equal(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); });
}

// The side's total that a figure's share is taken of.
FigureKey total_of(const FigureKey& key) {
  switch (key.measure) {
    case Measure::SelfTime:
    case Measure::InclTime:
    case Measure::Duration:
      return {Subject::Program, Measure::SelfTime, 0};  // filled in by side_totals
    case Measure::LeakedBlocks:
    case Measure::ReachableBlocks:
      return {Subject::Program, Measure::Allocations, 0};
    case Measure::LeakedBytes:
    case Measure::ReachableBytes:
      return {Subject::Program, Measure::BytesAllocated, 0};
    default:
      return {Subject::Program, key.measure, 0};
  }
}

// Per side: the program's figures, and its total self time (the threads'
// time) under Program/SelfTime.
std::map<FigureKey, double> side_totals(const std::vector<RunFigures>& runs) {
  std::map<FigureKey, std::vector<double>> per_run;
  for (const RunFigures& r : runs) {
    std::map<FigureKey, double> totals;
    for (const auto& [key, value] : r.values) {
      if (key.subject == Subject::Program) totals[key] = value;
      if (key.subject == Subject::Function && key.measure == Measure::SelfTime)
        totals[{Subject::Program, Measure::SelfTime, 0}] += value;
    }
    for (const auto& [key, value] : totals) per_run[key].push_back(value);
  }
  std::map<FigureKey, double> medians;
  for (auto& [key, values] : per_run) medians[key] = median(values);
  return medians;
}

double share_of(const FigureKey& key, double value, const std::map<FigureKey, double>& totals) {
  bool leak = key.measure == Measure::LeakedBlocks || key.measure == Measure::LeakedBytes ||
              key.measure == Measure::ReachableBlocks || key.measure == Measure::ReachableBytes;
  if (key.subject == Subject::Counter || key.subject == Subject::Benchmark ||
      (key.subject == Subject::Program && !leak))
    return 1;
  auto it = totals.find(total_of(key));
  if (it == totals.end() || it->second <= 0) return 0;
  return std::min(1.0, std::fabs(value) / it->second);
}

Severity severity_of(const Change& c, double threshold) {
  double size = std::fabs(c.relative);
  Severity s = Severity::Low;
  if (size >= threshold && c.share >= 0.01) s = Severity::Medium;
  if (size >= 2 * threshold && c.share >= 0.05) s = Severity::High;
  if (size >= 4 * threshold && c.share >= 0.20) s = Severity::Critical;
  bool leaks_appear = (c.key.measure == Measure::LeakedBlocks || c.key.measure == Measure::LeakedBytes) &&
                      c.base_value == 0 && c.new_value > 0;
  if (leaks_appear) s = std::max(s, Severity::High);
  return s;
}

double relative_change(double base, double next) {
  if (base == next) return 0;
  if (base == 0) return std::numeric_limits<double>::infinity();
  return next / base - 1;
}

// Fills in the comparison of one figure; false when it did not change.
// `total_seconds`: the larger side's total time.
bool compare(Change& c, const DiffOptions& options, bool noise_tested, double total_seconds) {
  c.exact = deterministic(c.key.measure) && all_equal(c.base) && all_equal(c.next);
  c.base_value = c.exact ? c.base.front() : median(c.base);
  c.new_value = c.exact ? c.next.front() : median(c.next);
  c.relative = relative_change(c.base_value, c.new_value);
  if (c.exact) return c.base_value != c.new_value;
  // A benchmark's time is all there is to it, however short.
  if (is_time(c.key.measure) && c.key.subject != Subject::Benchmark &&
      std::fabs(c.new_value - c.base_value) < std::max(options.min_seconds, options.min_time_share * total_seconds))
    return false;
  if (!noise_tested) return std::fabs(c.relative) >= options.threshold;
  c.tested = true;
  c.p = mann_whitney(c.base, c.next).p;
  if (c.base_value > 0) {
    Shift shift = hodges_lehmann(c.base, c.next, options.alpha);
    c.low = shift.low / c.base_value;
    c.high = shift.high / c.base_value;
  }
  return c.p < options.alpha && std::fabs(c.relative) >= options.threshold;
}

void add_contexts(Change& c, const std::vector<RunFigures>& base, const std::vector<RunFigures>& next,
                  const Catalog& catalog, const std::set<FigureKey>& keys) {
  for (const FigureKey& key : keys) {
    if (key.subject != Subject::Context || key.measure != Measure::Calls ||
        catalog.context_function(key.id) != c.key.id)
      continue;
    std::vector<double> a, b;
    for (const RunFigures& r : base) a.push_back(value_in(r, key));
    for (const RunFigures& r : next) b.push_back(value_in(r, key));
    double ma = median(a), mb = median(b);
    if (ma != mb) c.contexts.push_back({key.id, ma, mb});
  }
  std::stable_sort(c.contexts.begin(), c.contexts.end(), [](const Change::Context& x, const Change::Context& y) {
    return std::fabs(x.next - x.base) > std::fabs(y.next - y.base);
  });
  if (c.contexts.size() > kContextsPerChange) c.contexts.resize(kContextsPerChange);
}

double weight(const Change& c) {
  double size = std::isinf(c.relative) ? 1e9 : std::fabs(c.relative);
  return size * std::max(c.share, 1e-9);
}

}  // namespace

bool parse_severity(std::string_view name, Severity& severity) {
  for (Severity s : {Severity::Low, Severity::Medium, Severity::High, Severity::Critical})
    if (name == severity_name(s)) {
      severity = s;
      return true;
    }
  return false;
}

Diff diff_runs(const std::vector<RunFigures>& base, const std::vector<RunFigures>& next, const Catalog& catalog,
               const DiffOptions& options) {
  Diff d;
  d.options = options;
  for (const RunFigures& r : base) d.base_labels.push_back(r.label);
  for (const RunFigures& r : next) d.new_labels.push_back(r.label);
  d.noise_tested = base.size() >= 2 && next.size() >= 2;
  d.runs_needed = runs_needed(options.alpha);

  std::set<FigureKey> keys;
  for (const auto* side : {&base, &next})
    for (const RunFigures& r : *side)
      for (const auto& [key, value] : r.values) keys.insert(key);
  const std::map<FigureKey, double> base_totals = side_totals(base), new_totals = side_totals(next);
  const FigureKey total_time{Subject::Program, Measure::SelfTime, 0};
  auto total_in = [&](const std::map<FigureKey, double>& totals) {
    auto it = totals.find(total_time);
    return it == totals.end() ? 0.0 : it->second;
  };
  const double total_seconds = std::max(total_in(base_totals), total_in(new_totals));

  // A subject that one side lacks is one change (added or removed), whatever
  // its measures; its share is its largest.
  std::map<std::pair<Subject, uint32_t>, size_t> appeared;
  std::vector<Change> changes;
  std::map<uint32_t, bool> function_calls_changed;
  for (const FigureKey& key : keys) {
    if (key.subject == Subject::Context) continue;  // evidence of function changes, below
    Change c;
    c.key = key;
    for (const RunFigures& r : base) c.base.push_back(value_in(r, key));
    for (const RunFigures& r : next) c.next.push_back(value_in(r, key));
    ++d.figures_compared;
    bool in_base = present_in(base, key), in_new = present_in(next, key);
    c.kind = !in_base ? ChangeKind::Added : !in_new ? ChangeKind::Removed : ChangeKind::Changed;
    if (!compare(c, options, d.noise_tested, total_seconds)) continue;
    c.share = std::max(share_of(key, c.base_value, base_totals), share_of(key, c.new_value, new_totals));
    if (key.subject == Subject::Function && key.measure == Measure::Calls) {
      function_calls_changed[key.id] = true;
      add_contexts(c, base, next, catalog, keys);
    }
    if (c.kind != ChangeKind::Changed) {
      auto [it, first] = appeared.try_emplace({key.subject, key.id}, changes.size());
      if (!first) {
        changes[it->second].share = std::max(changes[it->second].share, c.share);
        continue;
      }
    }
    changes.push_back(std::move(c));
  }
  // Calls that moved between contexts of a function whose total held.
  for (const FigureKey& key : keys) {
    if (key.subject != Subject::Context) continue;
    if (key.measure == Measure::SelfTime) {
      std::vector<double> a, b;
      for (const RunFigures& r : base) a.push_back(value_in(r, key));
      for (const RunFigures& r : next) b.push_back(value_in(r, key));
      d.context_self.push_back({key.id, median(a), median(b)});
      continue;
    }
    if (function_calls_changed.count(catalog.context_function(key.id))) continue;
    Change c;
    c.key = key;
    for (const RunFigures& r : base) c.base.push_back(value_in(r, key));
    for (const RunFigures& r : next) c.next.push_back(value_in(r, key));
    ++d.figures_compared;
    c.kind = !present_in(base, key) ? ChangeKind::Added : !present_in(next, key) ? ChangeKind::Removed
                                                                                  : ChangeKind::Changed;
    if (!compare(c, options, d.noise_tested, total_seconds)) continue;
    c.share = std::max(share_of(key, c.base_value, base_totals), share_of(key, c.new_value, new_totals));
    changes.push_back(std::move(c));
  }

  for (Change& c : changes) {
    Direction direction = catalog.direction(c.key);
    bool higher = c.new_value > c.base_value;
    c.worse = direction == Direction::HigherIsWorse ? higher : direction == Direction::LowerIsWorse && !higher;
    c.better = direction != Direction::Neutral && !c.worse;
    c.severity = severity_of(c, options.threshold);
    (c.worse ? d.regressions : c.better ? d.improvements : d.neutral).push_back(std::move(c));
  }
  // Of equal severity, what names a cause (a function, a site; a self time)
  // before the program's totals and the inclusive times that it moves.
  auto worst_first = [](const Change& x, const Change& y) {
    if (x.severity != y.severity) return x.severity > y.severity;
    bool x_total = x.key.subject == Subject::Program, y_total = y.key.subject == Subject::Program;
    if (x_total != y_total) return y_total;
    // A self time before the inclusive times it adds to.
    bool x_follows = x.key.measure == Measure::InclTime, y_follows = y.key.measure == Measure::InclTime;
    if (x_follows != y_follows) return y_follows;
    return weight(x) > weight(y);
  };
  for (auto* list : {&d.regressions, &d.improvements, &d.neutral})
    std::stable_sort(list->begin(), list->end(), worst_first);
  return d;
}

bool worst_severity(const Diff& diff, Severity& worst) {
  if (diff.regressions.empty()) return false;
  worst = diff.regressions.front().severity;
  return true;
}

}  // namespace fnprof
