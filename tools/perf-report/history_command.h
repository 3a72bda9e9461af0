// perf-report history: the runs of a program over time (compare/history.h).
#pragma once

namespace fnprof {

// argv[0] is "history". Exit status: 0, or 2 for bad input.
int history_main(int argc, char** argv);

}  // namespace fnprof
