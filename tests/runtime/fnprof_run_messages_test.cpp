// fnprof-run says why it cannot profile a program, in one line naming it,
// before the run: a static program (refused), one built with
// AddressSanitizer (run without the tracker, with its own output and exit
// status; GCC and Clang), a setuid one run by another user, an instrumented
// one linked without the runtime. And the tracker
// preloaded by hand into an ASan program says why it tracks nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "program_run.h"

namespace fnprof {
namespace {

namespace fs = std::filesystem;
using test::ProgramRun;
using test::run_program;

std::string alloc_program(const std::string& name) { return std::string(FNPROF_ALLOC_PROGRAMS_DIR) + "/" + name; }

TEST(FnprofRunMessages, StaticProgramIsRefusedWithTheReason) {
  const std::string program = alloc_program("patterns_static");
  ProgramRun r = run_program(FNPROF_RUN, {program});
  EXPECT_EQ(r.status(), "2");
  EXPECT_EQ(r.stdout_text, "");
  EXPECT_EQ(r.stderr_text, "fnprof-run: " + program +
                               ": statically linked: preloading cannot work, so it cannot be profiled (link it "
                               "dynamically)\n");
  EXPECT_TRUE(r.dumps.empty());
}

// Compiled with -finstrument-functions, linked without libfnprof.so: the
// hooks are glibc's empty ones. fnprof-run names the program and the fix,
// then runs it as it would have run (allocations tracked, no calls). The
// same program linked with the runtime gets no such line.
TEST(FnprofRunMessages, HooksWithoutTheRuntimeAreNamedWithTheFix) {
  const std::string program = alloc_program("patterns_hooks_only");
  ProgramRun plain = run_program(program);
  ProgramRun r = run_program(FNPROF_RUN, {program});
  EXPECT_EQ(r.status(), plain.status());
  EXPECT_EQ(r.stdout_text, plain.stdout_text);
  const std::string says = "fnprof-run: " + program +
                           ": compiled with -finstrument-functions but not linked with libfnprof.so, so its "
                           "hooks are glibc's empty ones and it gets no call profile (link it with "
                           "-Wl,--push-state,--no-as-needed -lfnprof -Wl,--pop-state, or build it with fnprof-cc "
                           "or fnprof-c++)\n";
  ASSERT_EQ(r.stderr_text.substr(0, says.size()), says);
  const std::string rest = r.stderr_text.substr(says.size());
  EXPECT_TRUE(rest.starts_with("fnprof-run: wrote fnprof.patterns_hooks_only.")) << rest;
  EXPECT_NE(rest.find(" s, 0 calls, "), std::string::npos) << rest;
  ASSERT_EQ(r.dumps.size(), 1u);

  ProgramRun linked = run_program(FNPROF_RUN, {alloc_program("patterns_instrumented")});
  EXPECT_TRUE(linked.stderr_text.starts_with("fnprof-run: wrote fnprof.patterns_instrumented.")) << linked.stderr_text;
}

class Asan : public ::testing::TestWithParam<const char*> {
 protected:
  std::string program() const { return alloc_program(std::string("asan_") + GetParam()); }
};

TEST_P(Asan, FnprofRunSaysWhyAndRunsItWithoutTheTracker) {
  ProgramRun plain = run_program(program());
  ASSERT_EQ(plain.status(), "3") << plain.stderr_text;
  ProgramRun r = run_program(FNPROF_RUN, {program()});
  EXPECT_EQ(r.status(), plain.status());
  EXPECT_EQ(r.stdout_text, plain.stdout_text);
  EXPECT_EQ(r.stdout_text, "asan 1\n");
  const std::string says = "fnprof-run: " + program() +
                           ": built with AddressSanitizer, whose allocator replaces malloc: its allocations "
                           "cannot be tracked, so it runs without the tracker\n";
  ASSERT_EQ(r.stderr_text.substr(0, says.size()), says);
  EXPECT_TRUE(r.stderr_text.substr(says.size()).starts_with("fnprof-run: no dump written (")) << r.stderr_text;
  EXPECT_TRUE(r.dumps.empty());
}

// Preloaded by hand: Clang's ASan runtime sits in the executable, whose
// malloc comes first, so the tracker would see nothing (GCC's libasan.so
// refuses to start behind a preloaded library, with its own message).
TEST(AsanPreloaded, TrackerSaysItTracksNothing) {
  const std::string program = alloc_program("asan_clang");
  if (!fs::exists(program)) GTEST_SKIP() << "no clang";
  ProgramRun r = run_program(program, {}, {std::string("LD_PRELOAD=") + FNPROF_ALLOC_LIBRARY});
  EXPECT_EQ(r.status(), "3");
  EXPECT_EQ(r.stdout_text, "asan 1\n");
  EXPECT_EQ(r.stderr_text,
            "fnprof: the program is built with AddressSanitizer, whose allocator replaces malloc: allocations "
            "are not tracked\n");
}

INSTANTIATE_TEST_SUITE_P(Compilers, Asan, ::testing::Values("gcc", "clang"));

// A program set-user-ID to nobody, run by root: AT_SECURE all the same.
TEST(FnprofRunMessages, SetuidProgramOfAnotherUserIsNamedWithTheReason) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give a program to nobody";
  char dir[] = "/tmp/fnprof-setuid-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  ASSERT_EQ(chmod(dir, 0755), 0);
  const std::string program = std::string(dir) + "/straight_gcc";
  fs::copy_file(std::string(FNPROF_TEST_PROGRAMS_DIR) + "/straight_gcc", program);
  ASSERT_EQ(chown(program.c_str(), 65534, 65534), 0);
  ASSERT_EQ(chmod(program.c_str(), 04755), 0);
  ProgramRun r = run_program(FNPROF_RUN, {program});
  fs::remove_all(dir);
  EXPECT_EQ(r.status(), "0");
  EXPECT_EQ(r.stdout_text, "straight 13\n");
  const std::string says =
      "fnprof-run: " + program +
      ": set-user-ID or set-group-ID: the loader ignores LD_PRELOAD for it, and fnprof writes no dump of a "
      "program running with privileges its user lacks (profile it as its owner, or a copy without the bit)\n"
      "fnprof: no profile written: the program runs with privileges its user lacks (setuid, setgid or "
      "capabilities: AT_SECURE), where FNPROF_OUTPUT and the working directory are not trusted\n"
      "fnprof-run: no dump written (";
  EXPECT_EQ(r.stderr_text.substr(0, says.size()), says);
  EXPECT_TRUE(r.dumps.empty());
}

}  // namespace
}  // namespace fnprof
