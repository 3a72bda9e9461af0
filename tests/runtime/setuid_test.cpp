// An instrumented setuid-root program run by an ordinary user (AT_SECURE)
// writes no dump, neither where FNPROF_OUTPUT points nor in the working
// directory (both are the user's choice), says why once, and runs as it
// would without fnprof. Needs root, to make the program setuid-root and run
// it as nobody; skipped otherwise.
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

class Setuid : public ::testing::TestWithParam<const char*> {};

TEST_P(Setuid, ProgramRunByAnotherUserWritesNoDumpAndSaysWhy) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to make a setuid-root program";
  if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "needs setpriv to run it as nobody";
  // Where nobody can reach the program (the test directories are private).
  char dir[] = "/tmp/fnprof-setuid-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  ASSERT_EQ(chmod(dir, 0755), 0);
  const std::string program = std::string(dir) + "/straight_" + GetParam();
  fs::copy_file(std::string(FNPROF_TEST_PROGRAMS_DIR) + "/straight_" + GetParam(), program);
  ASSERT_EQ(chown(program.c_str(), 0, 0), 0);
  ASSERT_EQ(chmod(program.c_str(), 04755), 0);

  // FNPROF_OUTPUT and the working directory: the run's directory, which
  // only root may write.
  ProgramRun r = run_program("/usr/bin/setpriv", {"--reuid=nobody", "--regid=nogroup", "--clear-groups", program});
  fs::remove_all(dir);
  EXPECT_EQ(r.status(), "0");
  EXPECT_EQ(r.stdout_text, "straight 13\n");
  EXPECT_EQ(r.stderr_text,
            "fnprof: no profile written: the program runs with privileges its user lacks (setuid, setgid or "
            "capabilities: AT_SECURE), where FNPROF_OUTPUT and the working directory are not trusted\n");
  EXPECT_TRUE(r.dumps.empty());
  EXPECT_TRUE(fs::is_empty(r.dir)) << "nothing in the output and working directory";
}

INSTANTIATE_TEST_SUITE_P(Compilers, Setuid, ::testing::Values("gcc", "clang"));

}  // namespace
}  // namespace fnprof
