// perf-report diff: compares runs and gates on regressions (compare/diff.h).
#pragma once

namespace fnprof {

// argv[0] is "diff". Exit status: 0, 1 when a regression reaches --fail-on,
// 2 for bad input.
int diff_main(int argc, char** argv);

}  // namespace fnprof
