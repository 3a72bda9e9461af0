// The instrumentation API's part of the reports (api_profile.h holds the
// figures): phases, checkpoints, counters, resources and captured stacks in
// the text report (text_api.cpp) and the JSON report
// (json_api.cpp), and perf-report --summary, the short console
// summary of a run.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "model/profile.h"

namespace fnprof {

// The API's tables, each after a blank line; nothing when the dumps have none.
void write_api_text(std::ostream& out, const Profile& profile);

// Metadata pairs as one JSON object, {"batch": 17, "mode": "fast"}.
nlohmann::json meta_json(const std::vector<MetaPair>& meta);

// The resource summary as (label, value) rows: CPU, RSS, page faults,
// switches, I/O, threads, system. Text and Markdown lay them out.
std::vector<std::pair<std::string, std::string>> resource_rows(const ResourceSummary& resources);

// Adds "phases", "checkpoints", "counters", "resources", "captured_stacks".
void add_api_json(nlohmann::json& report, const Profile& profile);

// Sets the HTML page's "phases", "checkpoints", "counters" and "resources"
// (each null without that data); the layout is at the top of
// html_api.cpp.
void add_api_html_data(nlohmann::json& data, const Profile& profile);

// --summary: run, top 5 functions by self time, phases, peak memory, counters.
void write_summary_report(std::ostream& out, const Profile& profile);

}  // namespace fnprof
