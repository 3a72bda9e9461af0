// fnprof-run --self-test's output: one line per check (area, what, measured,
// truth, tolerance, PASS or FAIL), then the verdict. Lays out the checks
// self_test_checks.cpp judged; decides nothing.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "fnprof-run/self_test_checks.h"

namespace fnprof::run {

// Above the table: the program that ran, the clock the runtime used and how
// it was calibrated, and the hook cost it measured.
void print_self_test(std::FILE* out, const std::string& program, const SelfTestMeasured& measured,
                     const std::vector<SelfTestCheck>& checks);

}  // namespace fnprof::run
