#include "fnprof-run/self_test.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "dump/dump_reader.h"
#include "dump/superseded.h"
#include "fnprof-run/self_test_checks.h"
#include "fnprof-run/self_test_measured.h"
#include "fnprof-run/self_test_report.h"

namespace fs = std::filesystem;

namespace fnprof::run {

namespace {

constexpr const char* kProgram = "fnprof-self-test-program";

// Beside this executable: both are installed in libexec/fnprof, and built
// into the same folder.
std::string find_program() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  fs::path program = self.parent_path() / kProgram;
  return fs::exists(program, ec) ? program.string() : std::string();
}

// A directory of our own under TMPDIR (or /tmp), removed on scope exit.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/fnprof-self-test.XXXXXX";
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

int failed(const std::string& message) {
  std::fprintf(stderr, "fnprof-run: self-test: %s\n", message.c_str());
  return 1;
}

// Runs `program truth` with the tracker preloaded, fnprof's settings at
// their defaults and its dumps written to `dir`; "" when it exited 0, else
// what went wrong.
std::string run_program(const std::string& program, const std::string& alloc_library, const fs::path& dir,
                        const fs::path& truth) {
  pid_t child = fork();
  if (child < 0) return fmt::format("fork: {}", std::strerror(errno));
  if (child == 0) {
    // fnprof's defaults, whatever the user's environment sets (stack depth,
    // flush interval, exit summary...): the checks are of the machine.
    std::vector<std::string> settings;
    for (char** e = environ; *e; ++e)
      if (std::strncmp(*e, "FNPROF_", 7) == 0) settings.emplace_back(*e, std::strcspn(*e, "="));
    for (const std::string& name : settings) unsetenv(name.c_str());
    setenv("FNPROF_OUTPUT", dir.c_str(), 1);
    const char* old = std::getenv("LD_PRELOAD");
    std::string preload = old && *old ? std::string(old) + ":" + alloc_library : alloc_library;
    setenv("LD_PRELOAD", preload.c_str(), 1);
    setenv("FNPROF_FOLLOW_CHILDREN", "0", 1);
    execl(program.c_str(), program.c_str(), truth.c_str(), static_cast<char*>(nullptr));
    std::fprintf(stderr, "fnprof-run: %s: %s\n", program.c_str(), std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) return fmt::format("{} killed by signal {}", program, WTERMSIG(status));
  if (WEXITSTATUS(status) != 0) return fmt::format("{} exited with status {}", program, WEXITSTATUS(status));
  return {};
}

}  // namespace

int run_self_test(const std::string& alloc_library) {
  const std::string program = find_program();
  if (program.empty())
    return failed(fmt::format("cannot find {} beside {}", kProgram, fs::read_symlink("/proc/self/exe").string()));
  TemporaryDirectory dir;
  if (dir.path().empty()) return failed(fmt::format("cannot create a temporary directory: {}", std::strerror(errno)));
  const fs::path truth_path = dir.path() / "truth";
  if (std::string error = run_program(program, alloc_library, dir.path(), truth_path); !error.empty())
    return failed(error);
  try {
    std::vector<Dump> dumps;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir.path(), ec))
      if (entry.path().extension() == ".fnp") dumps.push_back(read_dump(entry.path().string()));
    if (dumps.empty()) return failed(fmt::format("{} wrote no dump", program));
    drop_superseded(dumps);
    const SelfTestTruth truth = read_self_test_truth(truth_path.string());
    const SelfTestMeasured measured = measure_self_test(dumps);
    const std::vector<SelfTestCheck> checks = check_self_test(truth, measured);
    print_self_test(stdout, program, measured, checks);
    std::fflush(stdout);
    return self_test_exit_status(checks);
  } catch (const std::exception& e) {
    return failed(e.what());
  }
}

}  // namespace fnprof::run
