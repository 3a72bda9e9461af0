// A test program of tests/programs and the compiler it was built with: the
// parameter of the tests that run every program with GCC and Clang builds.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace fnprof::test {

struct ProgramCase {
  std::string program;
  std::string compiler;

  // The build of `program` with `compiler`; `variant` "_count" is the build
  // linked against the counting-only reference hooks.
  std::string binary(const char* variant = "") const {
    return std::string(FNPROF_TEST_PROGRAMS_DIR) + "/" + program + variant + "_" + compiler;
  }
};

inline void PrintTo(const ProgramCase& c, std::ostream* os) { *os << c.program << "_" << c.compiler; }

inline std::string case_name(const testing::TestParamInfo<ProgramCase>& info) {
  return info.param.program + "_" + info.param.compiler;
}

inline std::vector<ProgramCase> cases_for(const std::vector<std::string>& programs) {
  std::vector<ProgramCase> cases;
  for (const std::string& program : programs)
    for (const char* compiler : {"gcc", "clang"}) cases.push_back({program, compiler});
  return cases;
}

}  // namespace fnprof::test
