// The allocation tracker's part of the reports (heap_profile.h holds the
// figures, leaks.h the leak heuristics): the heap summary, the top-allocator
// table, the allocation tree and the leak report, as text
// (text_heap.cpp), JSON (json_heap.cpp) and the HTML page's
// data (html_heap.cpp).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <ostream>

#include "report/report.h"

namespace fnprof {

// The heap summary line and the top-allocator table; with `views`, also the
// allocation tree (--tree) and a table per thread (--threads).
void write_heap_text(std::ostream& out, const Report& report, bool views);

// The leak report: findings by severity, then what was kept from start-up.
void write_leaks_text(std::ostream& out, const Report& report);

// The leak report as JSON, for the JSON report and the HTML page alike: a
// finding's "site" is the whole site (frames, counts), or with
// `site_names_only` its name.
nlohmann::json leaks_json(const Report& report, bool site_names_only);

// Adds "allocations" and "leaks".
void add_heap_json(nlohmann::json& json, const Report& report);

// Sets the HTML page's "allocations", "timeline" and "leaks" (each stays
// null when the dumps have no such data); the layout is at the top of
// html_heap.cpp.
void add_heap_html_data(nlohmann::json& data, const Report& report);

}  // namespace fnprof
