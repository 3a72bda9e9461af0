// What the dump says about the process and how the runtime behaves at its
// edges: exec, signals, thread names, timing accuracy, unwritable output.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "call_counts.h"
#include "dump/dump_reader.h"
#include "fnprof/format.h"
#include "model/profile.h"
#include "program_run.h"
#include "symbolize/symbolizer.h"

namespace fnprof::test {
namespace {

using format::DumpReason;

class Lifecycle : public testing::TestWithParam<std::string> {
 protected:
  std::string program(const std::string& name) const {
    return std::string(FNPROF_TEST_PROGRAMS_DIR) + "/" + name + "_" + GetParam();
  }
  void TearDown() override {
    for (const std::string& dir : dirs_) std::filesystem::remove_all(dir);
  }
  ProgramRun run(const std::string& name, const std::vector<std::string>& env = {}) {
    ProgramRun r = run_program(program(name), {}, env);
    dirs_.push_back(r.dir);
    return r;
  }

 private:
  std::vector<std::string> dirs_;
};

TEST_P(Lifecycle, DumpDescribesTheProcess) {
  ProgramRun r = run("straight");
  ASSERT_EQ(r.dumps.size(), 1u);
  std::string name = "straight_" + GetParam();
  EXPECT_EQ(std::filesystem::path(r.dumps[0]).filename(),
            "fnprof." + name + "." + std::to_string(r.pid) + ".fnp");
  Dump d = read_dump(r.dumps[0]);
  EXPECT_EQ(d.process.pid, static_cast<uint64_t>(r.pid));
  EXPECT_EQ(d.process.program, name);
  EXPECT_EQ(d.process.exe, program("straight"));
  EXPECT_EQ(d.process.args, std::vector<std::string>{program("straight")});
  EXPECT_EQ(d.process.reason, static_cast<uint64_t>(DumpReason::Exit));
  EXPECT_GT(d.process.ticks_per_second, 0u);
  EXPECT_GT(d.process.end_ticks, d.process.start_ticks);
  ASSERT_EQ(d.threads.size(), 1u);
  EXPECT_EQ(d.threads[0].name, name.substr(0, 15));  // the kernel keeps 15 characters
  EXPECT_EQ(d.threads[0].flags & format::kThreadRunning, 0u + format::kThreadRunning)
      << "the main thread is still running when exit writes the dump";
  bool has_exe = false;
  for (const Module& m : d.modules) has_exe |= m.path == program("straight") && !m.build_id.empty();
  EXPECT_TRUE(has_exe) << "the executable, with its build-id, is in the module map";
}

TEST_P(Lifecycle, SignalDumpNamesTheSignal) {
  ProgramRun r = run("sigterm");
  EXPECT_EQ(r.status(), "signal 15");
  ASSERT_EQ(r.dumps.size(), 1u);
  Dump d = read_dump(r.dumps[0]);
  EXPECT_EQ(d.process.reason, static_cast<uint64_t>(DumpReason::Signal));
  EXPECT_EQ(d.process.signal, 15u);
}

TEST_P(Lifecycle, ThreadNamesAreKept) {
  ProgramRun r = run("threads");
  ASSERT_EQ(r.dumps.size(), 1u);
  Dump d = read_dump(r.dumps[0]);
  std::set<std::string> names;
  for (const Thread& t : d.threads) names.insert(t.name);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(names.count("worker-" + std::to_string(i))) << "worker-" << i;
  EXPECT_EQ(d.threads.size(), 9u);
}

// A thread blocked forever when main returns: written, marked running, and
// the call it is blocked in counts until the dump (50 ms at least).
TEST_P(Lifecycle, RunningThreadIsWrittenAtExit) {
  ProgramRun r = run("running_thread");
  ASSERT_EQ(r.dumps.size(), 1u);
  Symbolizer symbolizer;
  Dump d = read_dump(r.dumps[0]);
  Profile p = build_profile({d}, symbolizer);
  const ThreadProfile* sleeper = nullptr;
  for (const ThreadProfile& t : p.threads)
    if (t.name == "sleeper") sleeper = &t;
  ASSERT_NE(sleeper, nullptr);
  EXPECT_TRUE(sleeper->running);
  bool found = false;
  for (uint32_t i = 1; i < sleeper->tree.nodes.size(); ++i) {
    const ProfileNode& n = sleeper->tree.nodes[i];
    if (p.functions[n.function].symbol.function == "wait_forever") {
      found = true;
      EXPECT_EQ(n.calls, 1u);
      EXPECT_GE(n.incl_seconds, 0.045);
    }
  }
  EXPECT_TRUE(found);
}

// The image before exec writes its dump first; the next image of the same
// program (same pid) takes the next name; the failed exec left nothing.
TEST_P(Lifecycle, ExecWritesEachImage) {
  ProgramRun r = run("exec");
  EXPECT_EQ(r.status(), "0");
  EXPECT_EQ(r.stdout_text, "exec first\nexec failed\nexec second\n");
  ASSERT_EQ(r.dumps.size(), 2u) << r.dir;
  std::string base = r.dir + "/fnprof.exec_" + GetParam() + "." + std::to_string(r.pid);
  Symbolizer symbolizer;
  Dump first = read_dump(base + ".fnp");
  Dump second = read_dump(base + ".2.fnp");
  EXPECT_EQ(first.process.reason, static_cast<uint64_t>(DumpReason::Exec));
  EXPECT_EQ(second.process.reason, static_cast<uint64_t>(DumpReason::Exit));
  EXPECT_EQ(second.process.args.back(), "second");
  CallCounts a = counts_of(build_profile({first}, symbolizer));
  CallCounts b = counts_of(build_profile({second}, symbolizer));
  EXPECT_EQ(a.calls["before_exec"], 2u);
  EXPECT_EQ(a.calls["leaf"], 4u);
  EXPECT_EQ(a.calls["second_image"], 0u);
  EXPECT_EQ(b.calls["second_image"], 1u);
  EXPECT_EQ(b.calls["leaf"], 3u);
  EXPECT_EQ(b.calls["before_exec"], 0u);
}

// Inclusive time of work() and the self times below it against the wall time
// the program measured around the call itself. Raw times: the program's
// clock runs with the hooks in it (the probe cost compensation is checked
// against uninstrumented twins in timing_test.cpp).
TEST_P(Lifecycle, TimesMatchTheProgramsOwnClock) {
  ProgramRun r = run("busy");
  ASSERT_EQ(r.dumps.size(), 1u);
  ASSERT_TRUE(r.stderr_text.starts_with("spent ")) << r.stderr_text;
  double spent = std::stod(r.stderr_text.substr(6)) / 1e9;
  Symbolizer symbolizer;
  Profile p = build_profile({read_dump(r.dumps[0])}, symbolizer, Timing::Raw);
  const CallTree& tree = p.merged;
  double work_incl = 0, self_below = 0;
  for (uint32_t i = 1; i < tree.nodes.size(); ++i) {
    if (p.functions[tree.nodes[i].function].symbol.function != "work") continue;
    work_incl = tree.nodes[i].incl_seconds;
    std::vector<uint32_t> todo{i};
    while (!todo.empty()) {
      uint32_t n = todo.back();
      todo.pop_back();
      self_below += tree.nodes[n].self_seconds;
      todo.insert(todo.end(), tree.nodes[n].children.begin(), tree.nodes[n].children.end());
    }
  }
  EXPECT_NEAR(work_incl, spent, spent * 0.02);
  EXPECT_NEAR(self_below, work_incl, work_incl * 0.001);
  EXPECT_GT(spent, 0.07);
}

// Output that cannot be written: one line on stderr, and the program's own
// output and exit status are untouched.
TEST_P(Lifecycle, UnwritableOutputWarnsOnceAndChangesNothing) {
  ProgramRun r = run("exit_deep", {"FNPROF_OUTPUT=/nonexistent/fnprof"});
  EXPECT_EQ(r.status(), "3");
  EXPECT_EQ(r.stdout_text, "exit_deep exiting\n");
  EXPECT_EQ(r.stderr_text, "fnprof: cannot write the profile /nonexistent/fnprof/fnprof.exit_deep_" +
                               GetParam() + "." + std::to_string(r.pid) +
                               ".fnp: No such file or directory\n");
  EXPECT_TRUE(r.dumps.empty());
}

// Something in the way of the temporary file: the warning names it, not the
// dump it was to become.
TEST_P(Lifecycle, BlockedTemporaryFileIsTheOneNamed) {
  const std::string tmp = ".fnprof.exit_deep_" + GetParam() + ".$$.0.fnp.tmp";
  ProgramRun r = run_program("/bin/sh", {"-c", "mkdir " + tmp + " && exec " + program("exit_deep")});
  EXPECT_EQ(r.status(), "3");
  EXPECT_EQ(r.stdout_text, "exit_deep exiting\n");
  EXPECT_EQ(r.stderr_text, "fnprof: cannot write the profile " + r.dir + "/.fnprof.exit_deep_" + GetParam() +
                               "." + std::to_string(r.pid) + ".0.fnp.tmp: File exists\n");
  EXPECT_TRUE(r.dumps.empty());
  std::filesystem::remove_all(r.dir);
}

// A missing output directory whose parent exists is made, 0700, and the dump
// goes there.
TEST_P(Lifecycle, MissingOutputDirectoryIsMade) {
  ProgramRun r = run("exit_deep", {"FNPROF_OUTPUT=made"});  // relative to the program's directory
  EXPECT_EQ(r.status(), "3");
  EXPECT_EQ(r.stderr_text, "");
  const std::string dir = r.dir + "/made";
  struct stat st;
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  size_t dumps = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    dumps += entry.path().filename().string().starts_with("fnprof.exit_deep_");
  EXPECT_EQ(dumps, 1u);
}

// A symlink planted at the dump's name is neither followed nor replaced: the
// dump takes the next name. The shell plants it for its own pid, which the
// program keeps when the shell execs it.
TEST_P(Lifecycle, DumpNameTakenBySymlinkIsLeftAlone) {
  std::string name = "fnprof.straight_" + GetParam() + ".$$.fnp";
  ProgramRun r = run_program(
      "/bin/sh", {"-c", "echo keep > target && ln -s target " + name + " && exec " + program("straight")});
  EXPECT_EQ(r.status(), "0");
  std::string base = r.dir + "/fnprof.straight_" + GetParam() + "." + std::to_string(r.pid);
  EXPECT_TRUE(std::filesystem::is_symlink(base + ".fnp"));
  std::ifstream in(r.dir + "/target");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), "keep\n");
  EXPECT_EQ(read_dump(base + ".2.fnp").process.pid, static_cast<uint64_t>(r.pid));
  std::filesystem::remove_all(r.dir);
}

INSTANTIATE_TEST_SUITE_P(Compilers, Lifecycle, testing::Values("gcc", "clang"));

}  // namespace
}  // namespace fnprof::test
