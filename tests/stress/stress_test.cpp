// The stress suite's driver: `stress_tests <case> <compiler> <way>` runs one
// case of the table below without fnprof (the counting-hook build, which is
// also the ground truth), then one way with fnprof, and compares:
//
//   <program>_count_<compiler>: status and stdout as the table says; its
//      counts file holds the true call counts.
//   libfnprof: <program>_<compiler> under libfnprof.so: same status and stdout, the
//      dumps the table says, the calls the table states, and, when the
//      reference could write its counts, exactly its calls and edges.
//   fnprof-run: fnprof-run <program>_plain_<compiler>: same status and stdout, the
//      dumps the table says, and for allocation cases the program sites'
//      allocations, frees and bytes the program counted itself (its stdout
//      line "... allocations N frees N bytes N").
//
// Some functions run until an asynchronous event (a signal, a timer): the
// program prints their counts on stderr ("stress: calls <function> <n>") and
// each run is checked against its own numbers.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "call_counts.h"
#include "dump/dump_reader.h"
#include "model/profile.h"
#include "program_run.h"
#include "symbolize/symbolizer.h"

namespace fnprof::test {
namespace {

struct StressCase {
  std::string name;
  std::string program;
  std::vector<std::string> args;
  std::string status = "0";
  std::vector<std::string> stdout_lines;
  // Calls (demangled names) in the dump of the process itself.
  std::map<std::string, uint64_t> calls;
  // Calls in each other dump (the forked children, from the fork on).
  std::map<std::string, uint64_t> child_calls;
  size_t dumps = 1;          // under libfnprof.so, over all processes
  size_t tracked_dumps = 1;  // under fnprof-run
  bool reference_counts = true;  // the counting hooks get to write their file
  // Functions whose count no run can know (they spin until a signal kills
  // the process): left out of the comparison with the reference.
  std::vector<std::string> uncounted;
  // Signal handlers: called from wherever the signal lands, so the edges into
  // them differ from run to run (their calls do not).
  std::vector<std::string> handlers;
  bool alloc = false;            // check the program's own allocation counts
  bool instrumented = true;      // false: only the plain build, under fnprof-run
  // A sanitizer build: fnprof-run either tracks it or says why it cannot (a
  // line "fnprof...: ... sanitizer ...").
  bool sanitized = false;
};

// A case of `program` run without arguments, exiting 0 with one dump.
StressCase plain_case(const std::string& name, std::vector<std::string> stdout_lines,
                      std::map<std::string, uint64_t> calls) {
  StressCase c;
  c.name = c.program = name;
  c.stdout_lines = std::move(stdout_lines);
  c.calls = std::move(calls);
  return c;
}

std::vector<StressCase> cases() {
  std::vector<StressCase> c;
  c.push_back(plain_case("short_threads", {"short_threads allocations 20000 frees 20000 bytes 1760000"},
                         {{"main", 1}, {"batch", 125}, {"worker", 2000}, {"leaf", 4000}}));
  c.back().alloc = true;
  c.push_back(plain_case("hot_threads", {"hot_threads 3200000"},
                         {{"main", 1}, {"worker", 16}, {"hot", 3200000}, {"leaf", 3200000}}));
  c.push_back(plain_case("fork_threads", {"fork_threads 8 children exited 0"},
                         {{"main", 1}, {"worker", 8}, {"spin", 8000}, {"leaf", 8000}}));
  c.back().child_calls = {{"child_work", 1}, {"leaf", 10}};
  c.back().dumps = c.back().tracked_dumps = 9;
  c.push_back(plain_case("alarm_handlers", {"alarm_handlers 100"},
                         {{"main", 1}, {"on_alarm", 100}, {"handler_work", 100}, {"handler_leaf", 100}}));
  c.back().handlers = {"on_alarm"};
  c.push_back(plain_case("deep_exceptions", {"deep_exceptions 1000"},
                         {{"main", 1},
                          {"catcher()", 1000},
                          {"frame(int)", 20000},
                          {"thrower()", 1000},
                          {"(anonymous namespace)::Guard::~Guard()", 20000},
                          {"handled()", 1000}}));
  c.push_back(plain_case(
      "deep_longjmp", {"deep_longjmp 100"},
      {{"main", 1}, {"trampoline", 100}, {"descend", 1000100}, {"landed", 100}, {"normal", 5}, {"leaf", 10}}));
  c.push_back(plain_case("dlopen_loop", {"dlopen_loop 1000"},
                         {{"main", 1}, {"round_trip", 1000}, {"plugin_entry", 1000}, {"plugin_helper", 2000}}));

  // Every way to end. The counting hooks write their file at exit() and on
  // SIGTERM only; fnprof writes a dump wherever the process still runs code.
  struct ExitPath {
    const char* mode;
    const char* status;
    bool reference_counts;
    size_t dumps;
  };
  for (const ExitPath& e : {ExitPath{"return", "0", true, 1}, ExitPath{"exit", "3", true, 1},
                            ExitPath{"_exit", "4", false, 1}, ExitPath{"quick_exit", "5", false, 1},
                            ExitPath{"abort", "signal 6", false, 1}, ExitPath{"terminate", "signal 6", false, 1},
                            ExitPath{"segv", "signal 11", false, 1}, ExitPath{"sigkill", "signal 9", false, 0},
                            ExitPath{"sigterm", "signal 15", true, 1}, ExitPath{"thread_exit", "6", true, 1},
                            ExitPath{"thread_segv", "signal 11", false, 1}}) {
    StressCase x = plain_case(std::string("exit_") + e.mode, {std::string("exit_paths ") + e.mode},
                              {{"main", 1}, {"work()", 10}, {"outer(char const*)", 1}, {"finish(char const*)", 1}});
    x.program = "exit_paths";
    x.args = {e.mode};
    x.status = e.status;
    if (std::string(e.mode) == "sigterm" || std::string(e.mode).starts_with("thread_"))
      x.uncounted = {"_Z4spinv", "_Z4leafv"};
    else
      x.calls["leaf()"] = 20;
    x.dumps = x.tracked_dumps = e.dumps;
    x.reference_counts = e.reference_counts;
    c.push_back(x);
  }

  c.push_back(plain_case("malloc_storm", {"malloc_storm allocations 320000 frees 320000 bytes 160160000"},
                         {{"main", 1}, {"storm", 16}}));
  c.back().alloc = true;
  c.push_back(plain_case("realloc_storm", {"realloc_storm allocations 31996 frees 31996 bytes 1024000000"},
                         {{"main", 1}, {"storm", 4}, {"resize", 32000}}));
  c.back().alloc = true;
  c.push_back(plain_case("aligned", {"aligned allocations 5100 frees 5100 bytes 836935292 misaligned 0"},
                         {{"main", 1}, {"check", 5100}, {"with_memalign", 1700}}));
  c.back().alloc = true;
  c.push_back(plain_case("signal_malloc", {"signal_malloc allocations 100 frees 100 bytes 14950"},
                         {{"main", 1}, {"on_alarm", 100}, {"handler_alloc", 100}}));
  c.back().alloc = true;
  c.back().handlers = {"on_alarm"};
  // Five images; fnprof also dumps each forked child at its exec.
  c.push_back(plain_case("exec_chain",
                         {"exec_chain 0", "exec_chain 1", "exec_chain 2", "exec_chain 3", "exec_chain 4"},
                         {{"main", 1}, {"work", 1}, {"leaf", 3}}));
  c.back().dumps = 9;
  c.back().tracked_dumps = 2;  // the first image, and its child until it execs
  c.push_back(plain_case("close_fds", {}, {{"main", 1}, {"work", 1000}, {"leaf", 1000}}));
  c.push_back(plain_case("custom_new", {"custom_new allocations 11017 frees 11017 bytes 626236"},
                         {{"main", 1}, {"fill()", 1}}));
  c.back().alloc = true;
  c.push_back(plain_case("asan_program", {"asan_program allocations 1000 frees 1000 bytes 500500"}, {}));
  c.back().alloc = true;
  c.back().instrumented = false;
  c.back().sanitized = true;
  return c;
}

std::string binary(const StressCase& c, const char* variant, const std::string& compiler) {
  return std::string(FNPROF_STRESS_DIR) + "/" + c.program + variant + "_" + compiler;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The "stress: calls <function> <n>" lines of a run's stderr.
std::map<std::string, uint64_t> varying_calls(const std::string& stderr_text) {
  std::map<std::string, uint64_t> calls;
  static const std::regex line(R"(stress: calls (\S+) (\d+))");
  for (const std::string& l : lines_of(stderr_text)) {
    std::smatch m;
    if (std::regex_match(l, m, line)) calls[m[1]] = std::stoull(m[2]);
  }
  return calls;
}

// `function` and its edges, out of `counts`.
void drop(CallCounts& counts, const std::string& function) {
  counts.calls.erase(function);
  std::erase_if(counts.edges, [&](const auto& e) { return e.first.first == function || e.first.second == function; });
}

// Checks the varying functions against the run's own numbers and leaves them
// out of `counts`, so that the rest can be compared with the reference.
void take_varying(CallCounts& counts, const std::map<std::string, uint64_t>& varying, const char* what) {
  for (const auto& [function, n] : varying) {
    EXPECT_EQ(counts.calls[function], n) << what << " calls of " << function;
    drop(counts, function);
  }
}

void expect_calls(const std::map<std::string, uint64_t>& expected, const CallCounts& actual, const std::string& what) {
  for (const auto& [function, n] : expected) {
    auto it = actual.calls.find(function);
    EXPECT_EQ(it == actual.calls.end() ? 0 : it->second, n) << what << ": calls of " << function;
  }
}

Profile profile_of(const std::string& dump) {
  Symbolizer symbolizer;
  return build_profile({read_dump(dump)}, symbolizer);
}

struct AllocTotals {
  uint64_t allocations = 0, frees = 0, bytes = 0;
  bool operator==(const AllocTotals&) const = default;
};

std::ostream& operator<<(std::ostream& os, const AllocTotals& t) {
  return os << "allocations " << t.allocations << " frees " << t.frees << " bytes " << t.bytes;
}

// The sites whose innermost frame is in the executable: the program's own
// allocations, not those libc and the loader make for themselves.
AllocTotals program_sites(const Dump& d) {
  AllocTotals t;
  const Module* exe = nullptr;
  for (const Module& m : d.modules)
    if (m.path == d.process.exe) exe = &m;
  if (!exe) return t;
  for (const AllocSite& s : d.alloc.sites) {
    const AllocStack* stack = d.alloc.stack(s.stack_id);
    if (!stack || stack->frames.empty()) continue;
    uint64_t frame = stack->frames.front();
    if (frame < exe->lo || frame >= exe->hi) continue;
    t.allocations += s.allocations, t.frees += s.frees, t.bytes += s.bytes_allocated;
  }
  return t;
}

AllocTotals stated_totals(const std::string& stdout_text) {
  static const std::regex line(R"(allocations (\d+) frees (\d+) bytes (\d+))");
  std::smatch m;
  if (!std::regex_search(stdout_text, m, line)) {
    ADD_FAILURE() << "no allocation counts in the program's output: " << stdout_text;
    return {};
  }
  return {std::stoull(m[1]), std::stoull(m[2]), std::stoull(m[3])};
}

class StressTest : public testing::Test {
 public:
  StressTest(StressCase c, std::string compiler, std::string way)
      : c_(std::move(c)), compiler_(std::move(compiler)), way_(std::move(way)) {}

  void TestBody() override {
    ProgramRun reference = run_program(binary(c_, c_.instrumented ? "_count" : "_plain", compiler_), c_.args);
    EXPECT_EQ(reference.status(), c_.status) << reference.stderr_text;
    EXPECT_EQ(lines_of(reference.stdout_text), c_.stdout_lines);
    if (way_ == "libfnprof")
      instrumented(reference);
    else
      tracked(reference);
    std::filesystem::remove_all(reference.dir);
  }

 private:
  void instrumented(const ProgramRun& reference) {
    SCOPED_TRACE("under libfnprof.so");
    ProgramRun run = run_program(binary(c_, "", compiler_), c_.args);
    EXPECT_EQ(run.status(), reference.status()) << run.stderr_text;
    EXPECT_EQ(run.stdout_text, reference.stdout_text);
    ASSERT_EQ(run.dumps.size(), c_.dumps) << "in " << run.dir << ": " << run.stderr_text;
    if (c_.dumps == 0) {
      std::filesystem::remove_all(run.dir);
      return;
    }

    std::string own;
    for (const std::string& path : run.dumps) {
      if (static_cast<int>(read_dump(path).process.pid) == run.pid) {
        EXPECT_TRUE(own.empty()) << "two dumps of pid " << run.pid;
        own = path;
      } else if (!c_.child_calls.empty()) {
        expect_calls(c_.child_calls, counts_of(profile_of(path)), path);
      }
    }
    ASSERT_FALSE(own.empty()) << "no dump of pid " << run.pid << " in " << run.dir;
    Profile profile = profile_of(own);
    expect_calls(c_.calls, counts_of(profile), own);

    if (c_.reference_counts) {
      SymbolNames names;
      CallCounts truth = read_reference_counts(reference.dir + "/counts." + std::to_string(reference.pid), names);
      CallCounts ours = counts_by_symbol(profile, names);
      take_varying(truth, varying_calls(reference.stderr_text), "reference");
      take_varying(ours, varying_calls(run.stderr_text), "fnprof");
      for (const std::string& function : c_.uncounted) drop(truth, function), drop(ours, function);
      for (const std::string& handler : c_.handlers)
        for (CallCounts* counts : {&truth, &ours})
          std::erase_if(counts->edges, [&](const auto& e) { return e.first.second == handler; });
      EXPECT_EQ(ours.calls, truth.calls);
      EXPECT_EQ(ours.edges, truth.edges);
    }
    std::filesystem::remove_all(run.dir);
  }

  void tracked(const ProgramRun& reference) {
    SCOPED_TRACE("under fnprof-run");
    std::vector<std::string> args{"--", binary(c_, "_plain", compiler_)};
    args.insert(args.end(), c_.args.begin(), c_.args.end());
    ProgramRun run = run_program(FNPROF_RUN, args);
    EXPECT_EQ(run.status(), reference.status()) << run.stderr_text;
    EXPECT_EQ(run.stdout_text, reference.stdout_text);
    static const std::regex says_why(R"((^|\n)fnprof[^\n]*([Ss]anitizer|ASan\b))");
    if (c_.sanitized && std::regex_search(run.stderr_text, says_why)) {
      std::filesystem::remove_all(run.dir);
      return;
    }
    ASSERT_EQ(run.dumps.size(), c_.tracked_dumps) << "in " << run.dir << ": " << run.stderr_text;
    if (c_.alloc) {
      Dump d = read_dump(run.dumps.front());
      EXPECT_TRUE(d.alloc.present);
      EXPECT_EQ(program_sites(d), stated_totals(run.stdout_text));
    }
    std::filesystem::remove_all(run.dir);
  }

  StressCase c_;
  std::string compiler_;
  std::string way_;  // "libfnprof" or "fnprof-run"
};

}  // namespace
}  // namespace fnprof::test

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (argc != 4) {
    std::fprintf(stderr, "usage: stress_tests <case> <gcc|clang> <libfnprof|fnprof-run>\n");
    return 2;
  }
  std::string name = argv[1], compiler = argv[2], way = argv[3];
  for (fnprof::test::StressCase& c : fnprof::test::cases()) {
    if (c.name != name) continue;
    if (way != "fnprof-run" && (way != "libfnprof" || !c.instrumented)) {
      std::fprintf(stderr, "stress_tests: case %s has no way %s\n", argv[1], argv[3]);
      return 2;
    }
    testing::RegisterTest("Stress", (name + "." + way + "_" + compiler).c_str(), nullptr, nullptr, __FILE__,
                          __LINE__, [c, compiler, way]() -> testing::Test* {
                            return new fnprof::test::StressTest(c, compiler, way);
                          });
    return RUN_ALL_TESTS();
  }
  std::fprintf(stderr, "stress_tests: no case named %s\n", argv[1]);
  return 2;
}
