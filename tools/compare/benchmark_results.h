// Google Benchmark's JSON results (--benchmark_out, --benchmark_format=json)
// as runs of a comparison: repetition i of every benchmark in a file is run
// i of the file, so perf-report diff's U test runs over the repetitions, as
// compare.py's does, with fnprof's severity and gate on top.
//
// Aggregate rows (mean, median, stddev, cv) are left out: they are figures
// of the repetitions, not repetitions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compare/run_figures.h"

namespace fnprof {

// Whether the file's contents are JSON (a dump starts with its magic).
bool looks_like_json(std::string_view contents);

// The runs of one results file; throws std::runtime_error naming the file
// and the problem when it is not Google Benchmark's JSON.
std::vector<RunFigures> read_benchmark_results(const std::string& path, std::string_view contents,
                                               Catalog& catalog);

}  // namespace fnprof
