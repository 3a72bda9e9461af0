// The report's tables (table.h), built from the profile by the report model
// (report_model.h): one function per table, each declaring its columns once.
#pragma once

#include "analysis/report_model.h"
#include "analysis/table.h"

#include <string_view>
#include <vector>

namespace fnprof {

// The report header's line on the probe cost, for people: what was taken out
// of the times, or that --raw left it in; empty when no dump measured it.
std::string probe_note(const ProbeCompensation& probe);

// The functions of `tree` ranked by --sort: people get --top (default 20),
// machines every row (or --top).
Table function_table(const Report& report, const CallTree& tree);

Table checkpoint_table(const ApiProfile& api);
Table counter_table(const ApiProfile& api);

// Phases by path, depth-first: for people the name indented by its depth,
// the open instances in a column of their own, and CPU and RSS only when the
// run had the resource sampler (machines always get those columns, empty
// where no interval fell inside the phase).
Table phase_table(const ApiProfile& api);

// Counter throughput during phases: one row per phase and counter that moved.
Table phase_counter_table(const ApiProfile& api);

// The report's flat tables, in reading order: each with what the dumps must
// hold for it ("phase data", for the error when they do not) and how to
// build it. csv writes any of them by name (--table), json writes the ones
// it has no shape of its own for as rows of objects, and the html page shows
// the ones it has no view of its own for as tables: a table added here
// reaches those three without a change to them.
struct ReportTable {
  std::string_view name;
  std::string_view data;
  bool (*present)(const Report& report);
  Table (*build)(const Report& report);
};
const std::vector<ReportTable>& report_tables();

// One --callers or --callees view: the edges by time, a callee view ending
// with the function's own time ("(self)").
Table call_view_table(const Profile& profile, const CallView& view, bool callers);

}  // namespace fnprof
