// perf-report: reads fnprof dumps and prints where the time went.
//
//   perf-report [--sort calls|self|incl|avg] [--top N] [--threads] [--tree]
//               [--min-percent X] [--format text|json] [-o FILE] DUMP...
//
// Every dump is read and validated before anything is printed, and the report
// is rendered into memory first, so a bad dump or an unwritable output gives
// one error line and never half a table.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>

#include "dump_reader.h"
#include "profile.h"
#include "report.h"
#include "symbolizer.h"

namespace {

constexpr const char* kPrefix = "perf-report: ";

int run(const std::vector<std::string>& paths, const fnprof::ReportOptions& options, bool json,
        const std::string& output_path) {
  std::vector<fnprof::Dump> dumps;
  for (const std::string& path : paths) dumps.push_back(fnprof::read_dump(path));

  fnprof::Symbolizer symbolizer;
  fnprof::Profile profile = fnprof::build_profile(dumps, symbolizer);
  for (const std::string& warning : symbolizer.warnings()) std::cerr << kPrefix << "warning: " << warning << '\n';

  std::ostringstream report;
  if (json)
    fnprof::write_json_report(report, profile, options);
  else
    fnprof::write_text_report(report, profile, options);

  if (output_path.empty() || output_path == "-") {
    std::cout << report.str() << std::flush;
    if (!std::cout) throw std::runtime_error("cannot write the report to standard output");
    return 0;
  }
  std::ofstream out(output_path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(output_path + ": cannot open for writing: " + std::strerror(errno));
  out << report.str();
  out.close();
  if (!out) throw std::runtime_error(output_path + ": cannot write: " + std::strerror(errno));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Reports where an fnprof-profiled program spent its time."};
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
  app.add_option("--sort", sort, "Order of the function tables (default self)")
      ->check(CLI::IsMember({"calls", "self", "incl", "avg"}));
  app.add_option("--top", options.top, "Rows in each function table (default 20)");
  app.add_flag("--threads", options.threads, "Also report each thread on its own");
  app.add_flag("--tree", options.tree, "Also print the calling-context tree");
  app.add_option("--min-percent", options.min_percent,
                 "Hide tree nodes below this percentage of the total time (default 1.0)")
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--format", format, "Output format (default text)")->check(CLI::IsMember({"text", "json"}));
  app.add_option("-o,--output", output_path, "Write the report to FILE instead of standard output")
      ->option_text("FILE");
  app.add_option("DUMP", paths, "Dump files written by libfnprof")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << kPrefix << e.what() << '\n';
    return 2;
  }

  options.sort = sort_keys.at(sort);
  try {
    return run(paths, options, format == "json", output_path);
  } catch (const std::exception& e) {
    std::cerr << kPrefix << e.what() << '\n';
    return 1;
  }
}
