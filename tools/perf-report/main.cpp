// perf-report: reads fnprof dumps and prints where the time went.
//
//   perf-report [--sort calls|self|incl|avg|bytes|count|peak|leaked|temporary] [--top N] [--threads] [--tree]
//               [--min-percent X] [--callers FUNC] [--callees FUNC]
//               [--threshold KEY=VALUE] [--table T] [--folded-value V] [--summary]
//               [--alloc] [--leaks] [--stack-depth N]
//               [--format text|json|csv|md|html|folded|callgrind|pprof|chrome]
//               [-o FILE] DUMP...
//   perf-report diff BASE... --against NEW... (perf-report diff --help)
//   perf-report history DUMP...|DIR            (perf-report history --help)
//   perf-report merge DUMP... -o MERGED         (perf-report merge --help)
//
// This file only parses options; the model and the writers (report/) do the
// rest.
// Every dump is read and validated before anything is printed, and the report
// is rendered into memory first, so a bad dump or an unwritable output gives
// one error line and never half a table.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <map>
#include <sstream>

#include "report/formats/api_report.h"
#include "dump/dump_reader.h"
#include "dump/superseded.h"
#include "model/profile.h"
#include "perf-report/diff_command.h"
#include "perf-report/history_command.h"
#include "perf-report/merge_command.h"
#include "perf-report/output.h"
#include "analysis/tables.h"
#include "report/report.h"
#include "symbolize/symbolizer.h"

namespace {

using fnprof::kPrefix;

int run(const std::vector<std::string>& paths, const fnprof::ReportOptions& options,
        const fnprof::ReportFormat& format, const std::string& output_path, bool summary, bool raw) {
  const bool to_stdout = output_path.empty() || output_path == "-";
  if (format.binary && !summary && to_stdout && isatty(STDOUT_FILENO))
    throw std::runtime_error(fmt::format("--format {} is binary ({}): give -o FILE or redirect the output",
                                         format.name, format.summary));
  std::vector<fnprof::Dump> dumps;
  for (const std::string& path : paths) dumps.push_back(fnprof::read_dump(path));
  for (const fnprof::Dump& dump : dumps)
    for (const std::string& warning : dump.warnings) std::cerr << kPrefix << warning << '\n';
  for (const fnprof::SupersededDumps& s : fnprof::drop_superseded(dumps))
    std::cerr << kPrefix
              << fmt::format("note: {} supersedes {} earlier {} of its process ({}{}), left out: dumps are "
                             "cumulative\n",
                             s.kept, s.paths.size(), s.paths.size() == 1 ? "dump" : "dumps", s.paths.front(),
                             s.paths.size() > 1 ? ", …" : "");

  fnprof::Symbolizer symbolizer;
  fnprof::Profile profile =
      fnprof::build_profile(dumps, symbolizer, raw ? fnprof::Timing::Raw : fnprof::Timing::Compensated);
  for (const std::string& warning : symbolizer.warnings())
    std::cerr << kPrefix << "warning: " << warning << '\n';

  std::ostringstream report;
  if (summary)
    fnprof::write_summary_report(report, profile);
  else
    format.write(report, fnprof::build_report(profile, options));

  fnprof::write_output(output_path, report.str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "diff") == 0) return fnprof::diff_main(argc - 1, argv + 1);
  if (argc > 1 && std::strcmp(argv[1], "history") == 0) return fnprof::history_main(argc - 1, argv + 1);
  if (argc > 1 && std::strcmp(argv[1], "merge") == 0) return fnprof::merge_main(argc - 1, argv + 1);
  CLI::App app{"Reports where an fnprof-profiled program spent its time."};
  app.footer("perf-report diff BASE... --against NEW...: compares runs (perf-report diff --help).\n"
             "perf-report history DUMP...|DIR: the runs over time (perf-report history --help).\n"
             "perf-report merge DUMP... -o MERGED: many runs as one dump (perf-report merge --help).");
  app.name("perf-report");

  std::vector<std::string> paths;
  fnprof::ReportOptions options;
  std::string format = "text", output_path;
  const std::map<std::string, fnprof::SortKey> sort_keys = {
      {"calls", fnprof::SortKey::Calls},
      {"self", fnprof::SortKey::Self},
      {"incl", fnprof::SortKey::Incl},
      {"avg", fnprof::SortKey::Avg},
  };
  std::string sort = "self";
  app.add_option("--sort", sort,
                 "Order of the function tables: calls, self (default), incl, avg; or of the allocation "
                 "sites: bytes (default), count, peak, leaked, temporary")
      ->check(CLI::IsMember({"calls", "self", "incl", "avg", "bytes", "count", "peak", "leaked", "temporary"}));
  size_t top = 0;
  CLI::Option* top_option = app.add_option(
      "--top", top,
      "Rows of each ranked table (functions, allocation sites): default 20 in text, md and html; json and csv "
      "carry every row unless --top is given");
  app.add_flag("--threads", options.threads, "Also report each thread on its own");
  app.add_flag("--tree", options.tree, "Also print the calling-context tree");
  app.add_flag("--percentiles", options.percentiles,
               "Text, md and html: also show each function's call durations (min, p50, p90, p99, max); json and "
               "csv always carry them");
  bool raw = false;
  app.add_flag("--raw", raw,
               "Report times as measured, with the probe's own cost left in (by default the hook cost the "
               "runtime measured at start-up is taken out)");
  app.add_flag("--alloc", options.alloc,
               "Only the allocation report: heap totals, top allocation sites (with --tree, by calling "
               "context; with --threads, per thread)");
  app.add_flag("--leaks", options.leaks, "Only the leak report, each finding with its severity");
  app.add_option("--stack-depth", options.stack_depth, "Caller frames shown under each allocation site (default 3)");
  bool summary = false;
  app.add_flag("--summary", summary,
               "Print only a short summary: top 5 functions, phases, peak memory, counters");
  app.add_option("--min-percent", options.min_percent,
                 "Hide tree nodes below this percentage of the total time (default 1.0)")
      ->check(CLI::Range(0.0, 100.0));
  std::string format_help = "Output format (default text):";
  std::vector<std::string> format_names;
  for (const fnprof::ReportFormat& f : fnprof::report_formats()) {
    format_help += fmt::format("\n  {:<10} {}", f.name, f.summary);
    format_names.emplace_back(f.name);
  }
  app.add_option("--format", format, format_help)->check(CLI::IsMember(format_names));
  std::vector<std::string> table_names;
  for (const fnprof::ReportTable& t : fnprof::report_tables()) table_names.emplace_back(t.name);
  app.add_option("--table", options.table, "csv: the table to write (default functions)")
      ->check(CLI::IsMember(table_names));
  std::string folded_value = "time";
  app.add_option("--folded-value", folded_value,
                 "folded: self time per path in microseconds (time, default) or calls; bytes allocated "
                 "(bytes) or allocations (allocations) per allocation stack")
      ->check(CLI::IsMember({"time", "calls", "bytes", "allocations"}));
  app.add_option("--callers", options.callers, "Show who calls FUNC (exact or partial demangled name)")
      ->option_text("FUNC");
  app.add_option("--callees", options.callees, "Show what FUNC calls (exact or partial demangled name)")
      ->option_text("FUNC");
  std::vector<std::string> thresholds;
  app.add_option(
         "--threshold", thresholds,
         "Findings threshold: self=5% (hotspot share of self time), overhead=30ns (cost of a hook pair; default: the dump's measured one), "
         "tiny=100ns (incl/call of a tiny function), overhead-share=1% (of total time), temporary=1000 "
         "(temporary allocations of a site)")
      ->option_text("KEY=VALUE");
  app.add_option("-o,--output", output_path, "Write the report to FILE instead of standard output")
      ->option_text("FILE");
  app.add_option("DUMP", paths, "Dump files written by libfnprof")->required();

  if (std::optional<int> done = fnprof::parse_command_line(app, argc, argv)) return *done;

  if (top_option->count()) options.top = top;
  if (!fnprof::parse_alloc_sort_key(sort, options.alloc_sort)) options.sort = sort_keys.at(sort);
  const std::map<std::string, fnprof::FoldedValue> folded_values = {
      {"time", fnprof::FoldedValue::Time},
      {"calls", fnprof::FoldedValue::Calls},
      {"bytes", fnprof::FoldedValue::Bytes},
      {"allocations", fnprof::FoldedValue::Allocations},
  };
  options.folded_value = folded_values.at(folded_value);
  try {
    for (const std::string& t : thresholds) fnprof::parse_threshold(t, options.thresholds);
  } catch (const std::invalid_argument& e) {
    std::cerr << kPrefix << e.what() << '\n';
    return 2;
  }
  // Whatever stops a report (a bad dump, an unwritable output, a view the
  // dumps cannot give) is bad input: status 2, as for bad options; perf-report
  // diff keeps 1 for a regression that reaches --fail-on.
  try {
    return run(paths, options, *fnprof::find_report_format(format), output_path, summary, raw);
  } catch (const std::exception& e) {
    std::cerr << kPrefix << e.what() << '\n';
    return 2;
  }
}
