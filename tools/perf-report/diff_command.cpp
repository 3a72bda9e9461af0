// perf-report diff BASE... --against NEW... [--format text|md|json|html|folded]
//                  [--alpha A] [--threshold PCT] [--fail-on SEVERITY] [-o FILE]
#include "perf-report/diff_command.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "compare/diff.h"
#include "perf-report/output.h"
#include "report/diff/diff_report.h"
#include "symbolize/symbolizer.h"

namespace fnprof {
namespace {


constexpr const char* kSeverityRules =
    "Severity, from the size of a change (its relative size; a figure that appears or disappears counts as "
    "infinite) and the share of its side's total the figure holds: critical >= 4x threshold and >= 20% share; "
    "high >= 2x threshold and >= 5% share, or leaks appearing; medium >= threshold and >= 1% share; low: any "
    "other change. The program's totals and counters have a 100% share; leaks are a share of what was allocated.";

}  // namespace

int diff_main(int argc, char** argv) {
  CLI::App app{"Compares runs: which functions, contexts, allocation sites, phases and counters changed, "
               "exactly for deterministic figures (calls, allocations, bytes, leaks) and by a Mann-Whitney U "
               "test for times when each side has two runs or more.",
               "perf-report diff"};
  app.footer(kSeverityRules);
  std::vector<std::string> base, next;
  std::string format = "text", output_path, threshold = "10%", fail_on;
  DiffOptions options;
  app.add_option("BASE", base, "Dumps of the base runs (each dump, or a process and its forked children, is one run)")
      ->required();
  app.add_option("--against", next, "Dumps of the new runs")->required()->option_text("NEW...");
  std::vector<std::string> names;
  std::string format_help = "Output format (default text):";
  for (const DiffFormat& f : diff_formats()) {
    names.emplace_back(f.name);
    format_help += fmt::format("\n  {:<6} {}", f.name, f.summary);
  }
  app.add_option("--format", format, format_help)->check(CLI::IsMember(names));
  app.add_option("--alpha", options.alpha, "Significance level of the U test (default 0.05)")
      ->check(CLI::Range(1e-6, 0.5));
  app.add_option("--threshold", threshold, "Smallest relative change of a time that counts (default 10%)")
      ->option_text("PCT");
  app.add_option("--fail-on", fail_on,
                 "Exit with status 1, and one line on standard error, when a regression reaches this severity")
      ->check(CLI::IsMember({"low", "medium", "high", "critical"}))
      ->option_text("SEVERITY");
  app.add_option("-o,--output", output_path, "Write the diff to FILE instead of standard output")->option_text("FILE");
  if (std::optional<int> done = parse_command_line(app, argc, argv, [&] { options.threshold = parse_percent(threshold, "--threshold"); }))
    return *done;

  std::ostringstream text;
  Diff diff;
  Catalog catalog;
  try {
    Symbolizer symbolizer;
    std::vector<std::string> notes;
    std::vector<RunFigures> base_runs = read_runs(base, catalog, symbolizer, notes);
    std::vector<RunFigures> new_runs = read_runs(next, catalog, symbolizer, notes);
    for (const std::string& warning : symbolizer.warnings()) std::cerr << kPrefix << "warning: " << warning << '\n';
    diff = diff_runs(base_runs, new_runs, catalog, options);
    diff.notes = std::move(notes);
    find_diff_format(format)->write(text, diff, catalog);
    write_output(output_path, text.str());
  } catch (const std::exception& e) {
    std::cerr << kPrefix << e.what() << '\n';
    return 2;
  }

  Severity gate, worst;
  if (!fail_on.empty() && parse_severity(fail_on, gate) && worst_severity(diff, worst) && worst >= gate) {
    std::cerr << kPrefix
              << fmt::format("diff: {}; worst {} (--fail-on {})\n", diff_tally(diff), worst_change_line(diff, catalog),
                             fail_on);
    return 1;
  }
  return 0;
}

}  // namespace fnprof
