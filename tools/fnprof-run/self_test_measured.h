// What fnprof measured of the self-test program: its dumps through the same
// model perf-report uses (build_profile, compensated), reduced to the figures
// self_test_checks.h compares with the program's truth.
#pragma once

#include <vector>

#include "dump/dump_reader.h"
#include "fnprof-run/self_test_checks.h"

namespace fnprof::run {

// Figures of the self-test program's functions (self_test_program.c) in
// `dumps`; a function or call path absent from them reads 0.
SelfTestMeasured measure_self_test(const std::vector<Dump>& dumps);

}  // namespace fnprof::run
