// A table (analysis/table.h) as JSON, for the two formats that carry JSON:
// the JSON report's machine rows (one object per row, keyed by the columns'
// keys, typed: numbers as numbers, an empty value left out) and the HTML
// page's rows for people (the cells as the text report reads them).
#pragma once

#include <nlohmann/json.hpp>

#include "analysis/table.h"

namespace fnprof {

// [{"name": "rows", "value": 3000, ...}, ...]: every row, the machine columns.
nlohmann::json machine_rows_json(const Table& table);

// {"name", "title", "columns": [{"title", "text": true when left-aligned}],
//  "rows": [[cell, ...], ...], "indent": [[depth per cell], ...] or absent}:
// the first human_rows rows, the people's columns.
nlohmann::json human_table_json(const Table& table);

}  // namespace fnprof
