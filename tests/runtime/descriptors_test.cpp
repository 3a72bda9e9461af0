// The runtime's descriptors stay out of the program's way: a program that
// closes every descriptor and opens three files gets 0, 1 and 2, under
// libfnprof.so alone and under fnprof-run (the tracker's libunwind pipe, the
// sampler's /proc files), with GCC and Clang.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "program_run.h"

namespace fnprof {
namespace {

using test::ProgramRun;
using test::run_program;

constexpr const char* kExpected =
    "got: 0 1 2\n"
    "open: 0 1 2\n"
    "others without close-on-exec: 0\n";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CloseAll : public ::testing::TestWithParam<const char*> {
 protected:
  std::string program() const { return std::string(FNPROF_TEST_PROGRAMS_DIR) + "/close_all_" + GetParam(); }
  // The sampler at its fastest, so that it runs while the program's
  // descriptors are closed; every allocation's stack unwound (libunwind),
  // not taken from the shadow stack.
  ProgramRun run(bool tracked, const std::string& out, const std::string& mode = "") {
    std::vector<std::string> env = {"FNPROF_SAMPLE_INTERVAL=1ms", "FNPROF_ALLOC_STACKS=unwind"};
    if (!mode.empty()) return run_program(FNPROF_RUN, {"--", program(), out, mode}, env);
    if (!tracked) return run_program(program(), {out}, env);
    return run_program(FNPROF_RUN, {"--", program(), out}, env);
  }
};

TEST_P(CloseAll, GetsTheLowestDescriptorsUnderLibfnprof) {
  const std::string out = testing::TempDir() + "close_all_plain_" + GetParam();
  ProgramRun r = run(false, out);
  EXPECT_EQ(r.status(), "0") << r.stderr_text;
  EXPECT_EQ(read_file(out), kExpected);
  EXPECT_EQ(r.dumps.size(), 1u);
}

TEST_P(CloseAll, GetsTheLowestDescriptorsUnderFnprofRun) {
  const std::string out = testing::TempDir() + "close_all_run_" + GetParam();
  for (int attempt = 0; attempt < 5; ++attempt) {
    ProgramRun r = run(true, out);
    EXPECT_EQ(r.status(), "0") << r.stderr_text;
    EXPECT_EQ(r.stdout_text, "");
    EXPECT_EQ(read_file(out), kExpected) << "run " << attempt;
    EXPECT_EQ(r.dumps.size(), 1u);
  }
}

// The program puts its own file where libunwind's pipe is: the runtime stops
// unwinding rather than let libunwind read or write that file.
TEST_P(CloseAll, NumbersTheProgramTakesFromTheUnwinderAreLeftToIt) {
  const std::string out = testing::TempDir() + "close_all_dup2_" + GetParam();
  ProgramRun r = run(true, out, "dup2");
  EXPECT_EQ(r.status(), "0") << r.stderr_text;
  EXPECT_EQ(read_file(out),
            "got: 0 1 2\n"
            "open: 0 1 2\n"
            "others without close-on-exec: 10\n");
  EXPECT_EQ(r.dumps.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Compilers, CloseAll, ::testing::Values("gcc", "clang"));

}  // namespace
}  // namespace fnprof
