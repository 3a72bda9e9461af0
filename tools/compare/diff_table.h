// A diff's changes as a table for people (text, md): one row per change,
// worst first, with what it was and is, and the evidence: "exact" for a
// deterministic figure, else the U test's p-value and the interval of the
// change; under a function's calls, the contexts that account for them.
// Machine columns hold the values behind the text (severity rank, relative
// change, base and new), for a page that sorts the rows.
#pragma once

#include <string>
#include <vector>

#include "analysis/table.h"
#include "compare/diff.h"

namespace fnprof {

Table changes_table(const std::vector<Change>& changes, const Catalog& catalog, const std::string& name,
                    const std::string& title);

// The diff's tables for people, those with rows: "Regressions, worst
// first", "Improvements", "Changes of neutral counters".
std::vector<Table> diff_tables(const Diff& diff, const Catalog& catalog);

// How a value of `measure` reads: "1.23ms", "4.2 KiB", "1,234".
std::string measure_value_text(Measure measure, double value);

// "+38.2%", "+1 (+0.1%)", "added", "removed".
std::string change_text(const Change& change);

// "exact", "p = 0.008, +31.0% to +45.2%", "threshold only (1 run a side)".
std::string evidence_text(const Change& change);

// "function f", "context main > f", "program".
std::string subject_text(const Change& change, const Catalog& catalog);

}  // namespace fnprof
