// Each run's figures inside a merged dump (format.h, "Merged runs"), so that
// perf-report diff and history read a merged baseline as the runs it sums:
// the same values per run, the same U test, deterministic figures compared
// per run (five identical runs merged are not five times the calls).
//
//   RunFiguresSum runs;
//   runs.add(run_figures(profile, catalog));  // once per run
//   dump.merged = runs.result(catalog);
//   ...
//   std::vector<RunFigures> again = merged_runs(read_dump("merged.fnp"), catalog);
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "compare/run_figures.h"
#include "dump/dump_reader.h"

namespace fnprof {

class RunFiguresSum {
 public:
  void add(const RunFigures& run);
  size_t runs() const { return runs_.size(); }
  // The merged dump's section of them, subjects named as `catalog` (the one
  // the runs' figures were keyed by) names them.
  MergedFigures result(const Catalog& catalog) const;

 private:
  std::vector<MergedRun> runs_;
  std::map<FigureKey, std::vector<std::pair<uint32_t, double>>> values_;  // (run, value)
};

// The runs of a merged dump, their subjects entered into `catalog` in the
// order the merge met them, so the ids are those that reading the runs'
// own dumps gives. Throws DumpError for a subject or measure this
// perf-report does not know.
std::vector<RunFigures> merged_runs(const Dump& dump, Catalog& catalog);

}  // namespace fnprof
