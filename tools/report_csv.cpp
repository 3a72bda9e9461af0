// CSV (RFC 4180): one table per file, chosen with --table, for spreadsheets
// and data frames. Fields holding a comma, a quote or a line break are quoted,
// quotes doubled; records end with CRLF. The first record names the columns.
// Times are in seconds with 12 significant digits (nanoseconds for up to
// 1000 s), percentages with 6.
//
// Only the functions table exists so far; the allocation, phase, counter and
// resource tables are listed so that --table accepts them and says what is
// missing, and get a writer here when Profile carries their data.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <stdexcept>

#include "report.h"

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

std::string seconds(double v) { return fmt::format("{:.12g}", v); }
std::string percentage(double v) { return fmt::format("{:.6g}", v); }

void write_functions(std::ostream& out, const Profile& profile, const ReportOptions& options) {
  std::vector<std::string> thread_columns = {"pid", "tid", "thread"};
  std::vector<std::string> columns = {
      "function",     "calls", "incl_seconds", "self_seconds", "incl_per_call_seconds",
      "self_percent", "file",  "line",         "module",       "address"};
  if (options.threads) columns.insert(columns.begin(), thread_columns.begin(), thread_columns.end());
  write_record(out, columns);

  auto rows = [&](const CallTree& tree, const ThreadProfile* thread) {
    // Every function with calls or time: a table for machines has no top N.
    for (uint32_t id : top_functions(profile, tree.functions, options.sort, SIZE_MAX)) {
      const ProfiledFunction& f = profile.functions[id];
      const FunctionStats& s = tree.functions[id];
      std::vector<std::string> fields;
      if (thread) fields = {std::to_string(thread->pid), std::to_string(thread->tid), thread->name};
      for (std::string field :
           {f.symbol.function, std::to_string(s.calls), seconds(s.incl_seconds), seconds(s.self_seconds),
            seconds(s.incl_per_call()),
            percentage(tree.total_self_seconds > 0 ? 100 * s.self_seconds / tree.total_self_seconds : 0.0),
            f.symbol.file, f.symbol.line ? std::to_string(f.symbol.line) : std::string(), f.module,
            fmt::format("{:#x}", f.address)})
        fields.push_back(std::move(field));
      write_record(out, fields);
    }
  };
  if (!options.threads) return rows(profile.merged, nullptr);
  for (const ThreadProfile& t : profile.threads) rows(t.tree, &t);
}

}  // namespace

void write_csv_report(std::ostream& out, const Profile& profile, const ReportOptions& options) {
  const std::string& table = options.table;
  if (table == "functions") return write_functions(out, profile, options);
  // The tables below get their writers when Profile carries their data.
  if (table == "allocators" || table == "leaks")
    throw std::runtime_error("no allocation data in " + dump_names(profile));
  if (table == "phases" || table == "counters")
    throw std::runtime_error("no phase data in " + dump_names(profile));
  if (table == "resources") throw std::runtime_error("no resource data in " + dump_names(profile));
  throw std::runtime_error(fmt::format("--table {}: unknown table", table));
}

}  // namespace fnprof
