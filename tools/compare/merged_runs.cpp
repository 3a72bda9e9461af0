#include "compare/merged_runs.h"

#include <fmt/format.h>

#include <algorithm>

#include "fnprof/format.h"

namespace fnprof {
namespace {

uint64_t run_flags(const RunFigures& run) {
  return (run.has_calls ? uint64_t{format::kRunHasCalls} : 0) | (run.has_heap ? uint64_t{format::kRunHasHeap} : 0) |
         (run.leaks_known ? uint64_t{format::kRunLeaksKnown} : 0);
}

uint64_t counter_direction(Direction direction) {
  switch (direction) {
    case Direction::LowerIsWorse: return static_cast<uint64_t>(format::CounterDirection::HigherIsBetter);
    case Direction::HigherIsWorse: return static_cast<uint64_t>(format::CounterDirection::LowerIsBetter);
    case Direction::Neutral: break;
  }
  return static_cast<uint64_t>(format::CounterDirection::Neutral);
}

Direction direction_of(uint64_t code) {
  if (code == static_cast<uint64_t>(format::CounterDirection::HigherIsBetter)) return Direction::LowerIsWorse;
  if (code == static_cast<uint64_t>(format::CounterDirection::LowerIsBetter)) return Direction::HigherIsWorse;
  return Direction::Neutral;
}

}  // namespace

void RunFiguresSum::add(const RunFigures& run) {
  const auto index = static_cast<uint32_t>(runs_.size());
  runs_.push_back({run.label, run.start_unix_ns, run_flags(run)});
  for (const auto& [key, value] : run.values) values_[key].emplace_back(index, value);
}

// Subjects are numbered as the catalog's ids (1, 2, ...), then its contexts
// after them.
MergedFigures RunFiguresSum::result(const Catalog& catalog) const {
  MergedFigures out;
  out.runs = runs_;
  const auto subjects = catalog.subjects();
  const auto named = static_cast<uint32_t>(subjects.size());
  for (uint32_t id = 1; id <= named; ++id) {
    auto [subject, key] = subjects[id - 1];
    FigureSubject& s = out.subjects.emplace_back();
    s.subject = static_cast<uint64_t>(subject);
    s.key = *key;
    if (subject == Subject::Counter) s.direction = counter_direction(catalog.direction({subject, Measure::Value, id}));
  }
  for (uint32_t c = 1; c <= catalog.contexts(); ++c) {
    FigureSubject& s = out.subjects.emplace_back();
    s.subject = static_cast<uint64_t>(Subject::Context);
    uint32_t parent = catalog.context_parent(c);
    s.parent = parent ? named + parent : 0;
    s.function = catalog.context_function(c);
  }
  for (const auto& [key, values] : values_) {
    RunFigure& f = out.figures.emplace_back();
    f.subject = key.subject == Subject::Program ? 0 : key.subject == Subject::Context ? named + key.id : key.id;
    f.measure = static_cast<uint64_t>(key.measure);
    const double first = values[0].second;
    f.every_run = values.size() == runs_.size() &&
                  std::all_of(values.begin(), values.end(), [first](const auto& v) { return v.second == first; });
    f.values = f.every_run ? std::vector<std::pair<uint32_t, double>>{{0, values[0].second}} : values;
  }
  return out;
}

std::vector<RunFigures> merged_runs(const Dump& dump, Catalog& catalog) {
  const MergedFigures& merged = dump.merged;
  std::vector<RunFigures> runs(merged.runs.size());
  for (size_t r = 0; r < runs.size(); ++r) {
    const MergedRun& m = merged.runs[r];
    runs[r].label = m.label;
    runs[r].start_unix_ns = m.start_unix_ns;
    runs[r].has_calls = m.flags & format::kRunHasCalls;
    runs[r].has_heap = m.flags & format::kRunHasHeap;
    runs[r].leaks_known = m.flags & format::kRunLeaksKnown;
  }
  // Subject number -> (subject, id in `catalog`); contexts come after the
  // functions they call and the contexts they are called from.
  std::vector<std::pair<Subject, uint32_t>> ids(merged.subjects.size() + 1, {Subject::Program, 0});
  for (size_t n = 1; n <= merged.subjects.size(); ++n) {
    const FigureSubject& s = merged.subjects[n - 1];
    if (s.subject == 0 || s.subject > static_cast<uint64_t>(kLastSubject))
      throw DumpError(dump.path, fmt::format("figure subject {} of unknown kind {}", n, s.subject));
    auto subject = static_cast<Subject>(s.subject);
    if (subject == Subject::Context) {
      ids[n] = {subject, catalog.context(ids[s.parent].second, ids[s.function].second)};
      continue;
    }
    ids[n] = {subject, catalog.id(subject, s.key)};
    if (subject == Subject::Counter) catalog.set_counter_direction(ids[n].second, direction_of(s.direction));
  }
  for (const RunFigure& f : merged.figures) {
    if (f.measure > static_cast<uint64_t>(kLastMeasure))
      throw DumpError(dump.path, fmt::format("figure of unknown measure {}", f.measure));
    FigureKey key{ids[f.subject].first, static_cast<Measure>(f.measure), ids[f.subject].second};
    if (f.every_run)
      for (RunFigures& run : runs) run.values[key] = f.values[0].second;
    else
      for (const auto& [run, value] : f.values) runs[run].values[key] = value;
  }
  return runs;
}

}  // namespace fnprof
