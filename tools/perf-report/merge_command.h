// perf-report merge: many runs as one dump (dump/dump_sum.h, compare/merged_runs.h).
#pragma once

namespace fnprof {

// argv[0] is "merge". Exit status: 0, or 2 for bad input.
int merge_main(int argc, char** argv);

}  // namespace fnprof
