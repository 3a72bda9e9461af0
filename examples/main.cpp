// fnprof-example: a small spreadsheet engine, the program the fnprof demo
// profiles. Two worker threads ("recalc-0", "recalc-1") recalculate a set of
// generated sheets several times; the main thread then summarizes each sheet
// (a recursive quicksort) and prints a deterministic report.
//
// What the profile shows: the formula lexer and parser (in the calc shared
// library) dominate, because every recalculation re-parses every formula;
// recursion through Sheet::cell_value / calc::evaluate follows the chains of
// references; calc::EvalError is thrown a few frames below
// Sheet::evaluate_cell, which catches it.
//
// usage: fnprof-example [SHEETS [ROWS [PASSES]]]   (default 8 60 30)
#include <pthread.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "report.h"
#include "workload.h"

namespace {

struct Options {
  int sheets = 8;
  int rows = 60;
  int passes = 30;
};

Options parse_options(int argc, char** argv) {
  Options options;
  int* fields[] = {&options.sheets, &options.rows, &options.passes};
  for (int i = 1; i < argc && i <= 3; ++i) {
    const int value = std::atoi(argv[i]);
    if (value <= 0) {
      std::fprintf(stderr, "fnprof-example: '%s' is not a positive number\n", argv[i]);
      std::exit(2);
    }
    *fields[i - 1] = value;
  }
  return options;
}

// Recalculates the sheets with index % workers == worker, `passes` times each.
void recalc_worker(int worker, int workers, const Options& options, std::vector<Sheet>& sheets,
                   std::vector<RecalcResult>& results) {
  const std::string name = "recalc-" + std::to_string(worker);
  pthread_setname_np(pthread_self(), name.c_str());
  for (int i = worker; i < options.sheets; i += workers)
    for (int pass = 0; pass < options.passes; ++pass) results[i] = sheets[i].recalc();
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  std::vector<Sheet> sheets;
  for (int i = 0; i < options.sheets; ++i) sheets.push_back(make_sheet(1000 + i, options.rows));

  constexpr int kWorkers = 2;
  std::vector<RecalcResult> results(options.sheets);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back(recalc_worker, w, kWorkers, std::cref(options), std::ref(sheets), std::ref(results));
  for (std::thread& t : workers) t.join();

  std::vector<SheetOutcome> outcomes;
  for (int i = 0; i < options.sheets; ++i) outcomes.push_back(summarize(1000 + i, sheets[i], results[i]));
  print_report(outcomes, options.sheets * options.passes);
  return 0;
}
