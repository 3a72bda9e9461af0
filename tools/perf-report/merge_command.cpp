// perf-report merge DUMP... -o MERGED
//
// Two passes, so memory holds the sum and never the runs: the first reads
// each dump for its process alone (which dumps a later one supersedes, which
// processes forked which), the second reads the dumps again a run at a time
// and adds each to the sum and its figures to the per-run section.
#include "perf-report/merge_command.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "compare/benchmark_results.h"
#include "compare/merged_runs.h"
#include "dump/dump_sum.h"
#include "dump/dump_writer.h"
#include "dump/superseded.h"
#include "perf-report/output.h"
#include "symbolize/symbolizer.h"

namespace fnprof {
namespace {


Dump read_process(const std::string& path) {
  char head[64] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(head, sizeof head);
  if (looks_like_json(std::string_view(head, static_cast<size_t>(in.gcount()))))
    throw std::runtime_error(path + ": Google Benchmark results, not a dump: merge takes dumps");
  Dump dump = read_dump(path);
  Dump process;
  process.path = dump.path;
  process.process = dump.process;
  process.merged.runs = std::move(dump.merged.runs);
  return process;
}

}  // namespace

int merge_main(int argc, char** argv) {
  CLI::App app{"Merges dumps into one: the sum of their runs (call trees, allocation sites, phases and counters "
               "added up by identity), readable by every perf-report command, plus each run's own figures, so "
               "that perf-report diff and history treat the merged dump as the runs it holds. Merged dumps "
               "merge too.",
               "perf-report merge"};
  std::vector<std::string> inputs;
  std::string output_path;
  app.add_option("DUMP", inputs, "Dumps (each dump, or a process and its forked children, is one run)")
      ->required();
  app.add_option("-o,--output", output_path, "The merged dump to write")->required()->option_text("FILE");
  if (std::optional<int> done = parse_command_line(app, argc, argv)) return *done;

  try {
    std::vector<Dump> processes;
    for (const std::string& path : inputs) processes.push_back(read_process(path));
    for (const SupersededDumps& s : drop_superseded(processes))
      std::cerr << kPrefix
                << fmt::format("note: {} supersedes {} earlier {} of its process, left out: dumps are cumulative\n",
                               s.kept, s.paths.size(), s.paths.size() == 1 ? "dump" : "dumps");

    Symbolizer symbolizer;
    Catalog catalog;
    DumpSum sum;
    RunFiguresSum figures;
    for (const std::vector<size_t>& run : group_runs(processes)) {
      std::vector<Dump> family;
      for (size_t i : run) family.push_back(read_dump(processes[i].path));
      for (const Dump& dump : family) sum.add(dump);
      if (family.front().is_merged()) {
        for (const RunFigures& r : merged_runs(family.front(), catalog)) figures.add(r);
        continue;
      }
      RunFigures r = run_figures(build_profile(family, symbolizer), catalog);
      r.start_unix_ns = family.front().process.start_unix_ns;
      figures.add(r);
    }
    for (const std::string& warning : symbolizer.warnings()) std::cerr << kPrefix << "warning: " << warning << '\n';
    Dump merged = sum.result();
    merged.merged = figures.result(catalog);
    write_dump(output_path, merged);
  } catch (const std::exception& e) {
    std::cerr << kPrefix << e.what() << '\n';
    return 2;
  }
  return 0;
}

}  // namespace fnprof
