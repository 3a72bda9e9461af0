// CSV (RFC 4180): one table per file, chosen with --table, for spreadsheets
// and data frames. Fields holding a comma, a quote or a line break are quoted,
// quotes doubled; records end with CRLF. The first record names the columns.
// Times are in seconds with 12 significant digits (nanoseconds for up to
// 1000 s), percentages with 6.
//
// Every row of a table unless --top is given. Tables: functions;
// allocators (one row per allocation site with its full stack, ranked by
// --sort's allocation key; callers innermost first, joined by ';')
// and leaks (the leak findings, then what was kept from start-up), which need
// the allocation tracker's data; phases (one row per phase path, nested paths
// joined by " > "), phase_counters (counter throughput during phases),
// counters (counters and gauges) and resources (one row per sampler
// interval), which need the instrumentation API's data. Every table is
// declared once in analysis/tables.cpp; this file only lays it out. A table whose
// data the dumps lack is an error, not an empty file.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <stdexcept>

#include "analysis/tables.h"
#include "report/report.h"
#include "report/values.h"

namespace fnprof {
namespace {

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

void write_record(std::ostream& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out << ',';
    out << csv_field(fields[i]);
  }
  out << "\r\n";
}

// The table's columns for machines, every row.
void write_table(std::ostream& out, const Table& table) {
  std::vector<std::string> fields;
  for (const Column& c : table.columns)
    if (shown_to(c, Audience::Machines)) fields.push_back(c.key);
  write_record(out, fields);
  for (const auto& row : table.rows) {
    fields.clear();
    for (size_t c = 0; c < table.columns.size(); ++c)
      if (shown_to(table.columns[c], Audience::Machines)) fields.push_back(machine_text(table.columns[c].kind, row[c]));
    write_record(out, fields);
  }
}

void write(std::ostream& out, const Report& report) {
  const Profile& profile = report.profile;
  const ReportOptions& options = report.options;
  const std::string& table = options.table;
  // With --threads, every thread's functions, each row with its thread.
  if (table == "functions")
    return write_table(out, options.threads ? thread_function_table(report) : function_table(report, profile.merged));
  if (table == "allocators" || table == "leaks") {
    if (!profile.heap.present) throw std::runtime_error("no allocation data in " + dump_names(profile));
    return write_table(out, table == "allocators" ? allocator_table(report) : leak_table(report));
  }
  const ApiProfile& api = profile.api;
  if (table == "phases") {
    if (api.phases.empty()) throw std::runtime_error("no phase data in " + dump_names(profile));
    return write_table(out, phase_table(api));
  }
  if (table == "phase_counters") {
    Table rates = phase_counter_table(api);
    if (rates.rows.empty()) throw std::runtime_error("no counter throughput during phases in " + dump_names(profile));
    return write_table(out, rates);
  }
  if (table == "counters") {
    if (api.counters.empty()) throw std::runtime_error("no counter data in " + dump_names(profile));
    return write_table(out, counter_table(api));
  }
  if (table == "checkpoints") {
    if (api.checkpoints.empty()) throw std::runtime_error("no checkpoint data in " + dump_names(profile));
    return write_table(out, checkpoint_table(api));
  }
  if (table == "resources") {
    if (!api.resources.present) throw std::runtime_error("no resource data in " + dump_names(profile));
    return write_table(out, resource_table(api.resources));
  }
  throw std::runtime_error(fmt::format("--table {}: unknown table", table));
}

const FormatRegistration kCsv{{"csv", "spreadsheets, the table --table names", false, write}};

}  // namespace

}  // namespace fnprof
