// perf-report history DUMP...|DIR [--format text|md|json|html] [--threshold PCT] [--top N] [-o FILE]
#include "perf-report/history_command.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "compare/history.h"
#include "perf-report/output.h"
#include "report/history/history_report.h"
#include "symbolize/symbolizer.h"

namespace fnprof {
namespace {


// A directory stands for its dumps and benchmark results (*.fnp, *.json),
// by name.
std::vector<std::string> expand(const std::vector<std::string>& inputs) {
  std::vector<std::string> paths;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(input, ec)) {
      paths.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(input, ec)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".fnp" || ext == ".json")) found.push_back(entry.path().string());
    }
    if (ec) throw std::runtime_error(fmt::format("{}: cannot list: {}", input, ec.message()));
    if (found.empty()) throw std::runtime_error(fmt::format("{}: no dumps (*.fnp) or results (*.json) in it", input));
    std::sort(found.begin(), found.end());
    paths.insert(paths.end(), found.begin(), found.end());
  }
  return paths;
}

}  // namespace

int history_main(int argc, char** argv) {
  CLI::App app{"The runs of a program over time, oldest first: per series (the program's totals, the top "
               "functions' self time and calls, phases, counters, benchmarks) its first and last value, a "
               "sparkline, and the run where it stepped to a new level that held.",
               "perf-report history"};
  std::vector<std::string> inputs;
  std::string format = "text", output_path, threshold = "10%";
  size_t top = 10;
  app.add_option("RUN", inputs, "Dumps, Google Benchmark results, or directories of them")->required();
  std::vector<std::string> names;
  std::string format_help = "Output format (default text):";
  for (const HistoryFormat& f : history_formats()) {
    names.emplace_back(f.name);
    format_help += fmt::format("\n  {:<6} {}", f.name, f.summary);
  }
  app.add_option("--format", format, format_help)->check(CLI::IsMember(names));
  app.add_option("--threshold", threshold, "Smallest step that counts (default 10%)")->option_text("PCT");
  app.add_option("--top", top, "Functions followed, by self time in the last run (default 10)");
  app.add_option("-o,--output", output_path, "Write to FILE instead of standard output")->option_text("FILE");
  double step = 0;
  if (std::optional<int> done = parse_command_line(app, argc, argv, [&] { step = parse_percent(threshold, "--threshold"); }))
    return *done;
  try {
    Catalog catalog;
    Symbolizer symbolizer;
    std::vector<std::string> notes;
    History history = build_history(read_runs(expand(inputs), catalog, symbolizer, notes), top, step);
    for (const std::string& warning : symbolizer.warnings()) std::cerr << kPrefix << "warning: " << warning << '\n';
    for (const std::string& note : notes) std::cerr << kPrefix << "note: " << note << '\n';
    std::ostringstream text;
    find_history_format(format)->write(text, history, catalog);
    write_output(output_path, text.str());
  } catch (const std::exception& e) {
    std::cerr << kPrefix << e.what() << '\n';
    return 2;
  }
  return 0;
}

}  // namespace fnprof
