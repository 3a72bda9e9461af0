// The report's tables (table.h), built from the profile by the report model
// (report_model.h): one function per table, each declaring its columns once.
#pragma once

#include "analysis/report_model.h"
#include "analysis/table.h"

namespace fnprof {

// The functions of `tree` ranked by --sort: people get --top (default 20),
// machines every row (or --top).
Table function_table(const Report& report, const CallTree& tree);

// The functions of every thread, each row with its thread: csv's functions
// table under --threads.
Table thread_function_table(const Report& report);

Table checkpoint_table(const ApiProfile& api);
Table counter_table(const ApiProfile& api);

}  // namespace fnprof
