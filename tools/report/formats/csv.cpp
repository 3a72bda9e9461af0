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
  for (const ReportTable& table : report_tables()) {
    if (table.name != report.options.table) continue;
    if (!table.present(report))
      throw std::runtime_error(fmt::format("no {} in {}", table.data, dump_names(report.profile)));
    return write_table(out, table.build(report));
  }
  throw std::runtime_error(fmt::format("--table {}: unknown table", report.options.table));
}

const FormatRegistration kCsv{{"csv", "spreadsheets, the table --table names", false, write}};

}  // namespace

}  // namespace fnprof
