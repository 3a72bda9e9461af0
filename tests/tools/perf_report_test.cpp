// The perf-report binary end to end: crafted dumps in, exact text lines,
// valid JSON, warnings and exit codes out.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "dump_builder.h"
#include "test_paths.h"

namespace fnprof {
namespace {

using testing::DumpBuilder;
using testing::line_of;
using testing::nm_address;
using testing::temp_path;
using testing::test_process;

struct ReportRun {
  int status = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ReportRun perf_report(const std::string& args) {
  const std::string out = temp_path("stdout"), err = temp_path("stderr");
  // From the root directory, so source paths are shown whole (paths under
  // the current directory are shown relative to it; the checkout may well be
  // under the temp directory).
  int rc = std::system(("cd / && " + std::string(PERF_REPORT) + " " + args + " >" + out + " 2>" + err).c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(out), slurp(err)};
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const std::string& l : lines(text))
    if (l == line) return true;
  return false;
}

constexpr uint64_t kBias = 0x5555'0000'0000;

// symbolize_target as if profiled: main (1 call, 1 s) -> target::work (1,
// 900 ms) -> target::leaf (1000 calls, 600 ms).
// pid 4242's dump, or another process's (`pid`), or an earlier periodic dump
// of the same process (`end_ticks` before 7000, `leaf_calls` fewer).
std::string target_dump(uint64_t pid = 4242, uint64_t end_ticks = 7000, uint64_t leaf_calls = 1000,
                        uint64_t leaf_ticks = 600) {
  uint64_t main_address = nm_address(SYMBOLIZE_TARGET, "main");
  uint64_t work = nm_address(SYMBOLIZE_TARGET, "_ZN6target4workEi");
  uint64_t leaf = nm_address(SYMBOLIZE_TARGET, "_ZN6target4leafEi");
  EXPECT_TRUE(main_address && work && leaf);
  format::ProcessRecord process = test_process();
  process.pid = pid;
  process.end_ticks = end_ticks;
  DumpBuilder b;
  b.process(process);
  b.modules({{SYMBOLIZE_TARGET, "", kBias, kBias, kBias + 0x10'0000}});
  b.thread({pid, "app", 5000, end_ticks, 0, 0},
           {{0, kBias + main_address, 1, 1000}, {1, kBias + work, 1, 900}, {2, kBias + leaf, leaf_calls, leaf_ticks}});
  b.end();
  return b.write("target." + std::to_string(pid) + "." + std::to_string(end_ticks) + "." +
                 std::to_string(leaf_calls) + "." + std::to_string(leaf_ticks) + ".fnp");
}

TEST(PerfReport, TextReportOfASymbolizedDump) {
  ReportRun r = perf_report(target_dump());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string source = SYMBOLIZE_TARGET_SOURCE;
  const std::string leaf_line = std::to_string(line_of(source, "int leaf(int x)"));
  const std::string work_line = std::to_string(line_of(source, "int work(int n)"));
  const std::string main_line = std::to_string(line_of(source, "int main("));
  const std::vector<std::string> expected = {
      "program:      app",
      "command line: ./app -n 3",
      "pid:          4242",
      "threads:      1",
      "wall time:    2.00s",
      "clock:        monotonic",
      "total calls:  1,002",
      "total time:   1.00s in profiled functions",
      "",
      "Top 3 functions by self time:",
      "",
      "function                  calls  incl total  self total   incl/call  % self  file:line",
      "target::leaf(int)         1,000       600ms       600ms       600µs   60.0%  " + source + ":" +
          leaf_line,
      "target::work(int)             1       900ms       300ms       900ms   30.0%  " + source + ":" +
          work_line,
      "main                          1       1.00s       100ms       1.00s   10.0%  " + source + ":" +
          main_line,
      "",
      "Findings:",
  };
  // The findings' wording is pinned by the golden files of report_formats_test.cpp.
  std::vector<std::string> got = lines(r.out);
  ASSERT_GE(got.size(), expected.size()) << r.out;
  got.resize(expected.size());
  EXPECT_EQ(got, expected) << r.out;
  EXPECT_TRUE(has_line(r.out, "  [critical] target::leaf(int) takes 60.0% of the self time")) << r.out;
}

TEST(PerfReport, TreeAndThreads) {
  ReportRun r = perf_report("--tree --threads --sort calls --top 2 --min-percent 70 " + target_dump());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has_line(r.out, "Top 2 functions by calls:")) << r.out;
  EXPECT_TRUE(has_line(r.out, "Calling-context tree (nodes below 70% of 1.00s not shown):")) << r.out;
  EXPECT_TRUE(has_line(r.out, " 100.0%       1.00s       100ms             1  main")) << r.out;
  EXPECT_TRUE(has_line(r.out, "  90.0%       900ms       300ms             1    target::work(int)")) << r.out;
  EXPECT_TRUE(has_line(r.out, "(1 node below 70% not shown)")) << r.out;  // leaf at 60%
  EXPECT_TRUE(
      has_line(r.out, "Thread 4242 \"app\" (pid 4242): wall 2.00s, 1,002 calls, 1.00s in profiled functions"))
      << r.out;
}

TEST(PerfReport, JsonReport) {
  ReportRun r = perf_report("--format json --tree --threads " + target_dump());
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);  // throws, failing the test, if invalid
  EXPECT_EQ(j["format_version"], 1);
  EXPECT_EQ(j["program"], "app");
  EXPECT_EQ(j["command_line"], nlohmann::json({"./app", "-n", "3"}));
  EXPECT_EQ(j["pids"], nlohmann::json({4242}));
  EXPECT_EQ(j["thread_count"], 1);
  EXPECT_EQ(j["clock"], "monotonic");
  EXPECT_EQ(j["total_calls"], 1002);
  EXPECT_DOUBLE_EQ(j["wall_seconds"].get<double>(), 2.0);
  ASSERT_EQ(j["functions"].size(), 3u);
  const nlohmann::json& leaf = j["functions"][0];
  EXPECT_EQ(leaf["name"], "target::leaf(int)");
  EXPECT_EQ(leaf["calls"], 1000);
  EXPECT_DOUBLE_EQ(leaf["self_seconds"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(leaf["incl_per_call_seconds"].get<double>(), 0.0006);
  EXPECT_DOUBLE_EQ(leaf["self_percent"].get<double>(), 60.0);
  EXPECT_EQ(leaf["file"], SYMBOLIZE_TARGET_SOURCE);
  EXPECT_EQ(leaf["line"], line_of(SYMBOLIZE_TARGET_SOURCE, "int leaf(int x)"));
  EXPECT_EQ(leaf["resolved"], true);
  // The tree is nested: root -> main -> work -> leaf.
  const nlohmann::json& main_node = j["tree"]["children"][0];
  EXPECT_EQ(main_node["function"], "main");
  EXPECT_EQ(main_node["children"][0]["children"][0]["function"], "target::leaf(int)");
  EXPECT_EQ(main_node["children"][0]["children"][0]["calls"], 1000);
  ASSERT_EQ(j["threads"].size(), 1u);
  EXPECT_EQ(j["threads"][0]["name"], "app");
  EXPECT_EQ(j["threads"][0]["functions"].size(), 3u);
}

TEST(PerfReport, MissingModuleFileGivesOffsetsAndOneWarning) {
  DumpBuilder b;
  b.process(test_process());
  b.modules({{"/nonexistent/lib/libgone.so", "", 0x7f00'0000'0000, 0x7f00'0000'0000, 0x7f00'0010'0000}});
  b.thread({1, "", 0, 1000, 0, 0}, {{0, 0x7f00'0000'1000, 1, 500}, {1, 0x7f00'0000'2340, 3, 300}});
  b.end();
  ReportRun r = perf_report(b.write("gone.fnp"));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err,
            "perf-report: warning: /nonexistent/lib/libgone.so: cannot open: No such file or directory; its "
            "functions are shown as libgone.so+0x<offset>\n");
  EXPECT_NE(r.out.find("\nlibgone.so+0x2340             3       300ms       300ms       100ms   60.0%\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\nlibgone.so+0x1000             1       500ms       200ms       500ms   40.0%\n"),
            std::string::npos)
      << r.out;
}

// A module path is only what the dump says: a device or a FIFO there is
// never opened (reading /dev/zero never ends, opening a FIFO blocks).
TEST(PerfReport, ModulePathsThatAreNotRegularFilesAreNotRead) {
  const std::string fifo = temp_path("module.fifo");
  std::remove(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {std::string("/dev/zero"), fifo}) {
    DumpBuilder b;
    b.process(test_process());
    b.modules({{path, "", 0x7f00'0000'0000, 0x7f00'0000'0000, 0x7f00'0010'0000}});
    b.thread({1, "", 0, 1000, 0, 0}, {{0, 0x7f00'0000'1000, 1, 500}});
    b.end();
    ReportRun r = perf_report(b.write("device.fnp"));
    EXPECT_EQ(r.status, 0) << r.err;
    const std::string name = path.substr(path.rfind('/') + 1);
    EXPECT_EQ(r.err, "perf-report: warning: " + path + ": not a regular file, not read; its functions are shown as " +
                         name + "+0x<offset>\n");
    EXPECT_NE(r.out.find(name + "+0x1000 takes 100.0% of the self time"), std::string::npos) << r.out;
  }
  std::remove(fifo.c_str());
}

TEST(PerfReport, BadDumpIsOneErrorLineAndNoOutput) {
  DumpBuilder b;
  b.process(test_process());
  std::string good = target_dump();
  std::string bad = b.write("noend.fnp");  // no end section
  ReportRun r = perf_report(good + " " + bad);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "perf-report: " + bad + ": truncated: no end section after byte " +
                       std::to_string(b.bytes().size()) + "\n");
}

// A section type this perf-report does not know: one line, then the report.
TEST(PerfReport, UnknownSectionIsOneWarningLine) {
  DumpBuilder b;
  b.process(test_process());
  const size_t at = b.bytes().size();
  b.section(77, {1, 2, 3});
  b.thread({4242, "app", 5000, 7000, 0, 0}, {{0, 0x10, 3, 100}});
  b.end();
  std::string path = b.write("unknown.fnp");
  ReportRun r = perf_report("--format folded --folded-value calls " + path);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "0x10 3\n");
  EXPECT_EQ(r.err, "perf-report: " + path + ": skipping unknown section type 77 at byte " + std::to_string(at) +
                       "\nperf-report: warning: some addresses are outside every recorded module; shown as "
                       "0x<address>\n");
}

TEST(PerfReport, UsageErrors) {
  ReportRun r = perf_report("--sort sideways x.fnp");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("perf-report: --sort", 0), 0u) << r.err;
  r = perf_report("");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("perf-report: ", 0), 0u) << r.err;
}

TEST(PerfReport, OutputFile) {
  const std::string out = temp_path("report.json");
  std::remove(out.c_str());
  ReportRun r = perf_report("--format json -o " + out + " " + target_dump());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(nlohmann::json::parse(slurp(out))["format_version"], 1);

  r = perf_report("-o /nonexistent/dir/report.txt " + target_dump());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "perf-report: /nonexistent/dir/report.txt: cannot open for writing: No such file or directory\n");
}

TEST(PerfReport, OtherFormatsAndTheirErrors) {
  const std::string dump = target_dump();
  ReportRun r = perf_report("--format csv " + dump);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find("\r\n")),
            "function,calls,incl_seconds,self_seconds,self_blocked_seconds,incl_per_call_seconds,self_percent,"
            "incl_blocked_seconds,waits_for,min_seconds,p50_seconds,p90_seconds,p99_seconds,max_seconds,"
            "probe_self_seconds,file,line,module,address");
  r = perf_report("--format folded --folded-value calls " + dump);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has_line(r.out, "main;target::work(int);target::leaf(int) 1000")) << r.out;
  r = perf_report("--format md --callers leaf --callees target::work " + dump);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has_line(r.out, "| `target::work(int)` | 1,000 | 600ms | 100.0% |")) << r.out;

  r = perf_report("--format csv --table leaks " + dump);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "perf-report: no allocation data in " + dump + "\n");
  r = perf_report("--callers frobnicate " + dump);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "perf-report: --callers 'frobnicate': no function matches (by exact or partial demangled name)\n");
  r = perf_report("--threshold speed=3 " + dump);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("perf-report: --threshold 'speed=3': unknown key", 0), 0u) << r.err;
  r = perf_report("--format svg " + dump);
  EXPECT_EQ(r.status, 2);
}

TEST(PerfReport, MergesSeveralDumps) {
  ReportRun r = perf_report(target_dump() + " " + target_dump(4243));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(has_line(r.out, "pids:         4242, 4243")) << r.out;
  EXPECT_TRUE(has_line(r.out, "total calls:  2,004")) << r.out;
  EXPECT_TRUE(has_line(r.out, "threads:      2")) << r.out;
}

// Periodic dumps are cumulative: of one process's dumps (same pid and start
// time) only the last counts, whatever the order given, and perf-report says
// which it left out. The same file given twice counts once.
TEST(PerfReport, APeriodicDumpIsSupersededByItsProcesssLaterDump) {
  const std::string early = target_dump(4242, 6000, 400), final_dump = target_dump();
  for (const std::string& args : {early + " " + final_dump, final_dump + " " + early}) {
    ReportRun r = perf_report(args);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(has_line(r.out, "pid:          4242")) << r.out;
    EXPECT_TRUE(has_line(r.out, "total calls:  1,002")) << r.out;
    EXPECT_EQ(r.err, "perf-report: note: " + final_dump + " supersedes 1 earlier dump of its process (" + early +
                         "), left out: dumps are cumulative\n");
  }
  ReportRun twice = perf_report(final_dump + " " + final_dump);
  EXPECT_TRUE(has_line(twice.out, "total calls:  1,002")) << twice.out;
}

// perf-report diff end to end: the target's dumps with leaf's calls or
// time changed.
TEST(PerfReportDiff, AnExtraCallIsReportedExactlyWithItsContext) {
  const std::string base = target_dump(4242), next = target_dump(4343, 7000, 1001);
  ReportRun r = perf_report("diff " + base + " --against " + next);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> got = lines(r.out);
  ASSERT_GE(got.size(), 10u) << r.out;
  EXPECT_EQ(got[0], "fnprof diff: 1 base run against 1 new run");
  EXPECT_EQ(got[4], "13 figures compared: 2 regressions (2 low), 0 improvements") << r.out;
  EXPECT_TRUE(has_line(r.out, "Regressions, worst first")) << r.out;
  // 11 figures of functions and the program, and the two contexts whose
  // function's calls held.
  const std::vector<std::string> table = {
      "Regressions, worst first",
      "severity  change      measure  of        name                                            base   new    "
      "evidence",
      "low       +1 (+0.1%)  calls    function  target::leaf(int)                               1,000  1,001  exact",
      "          +1          calls    context     main > target::work(int) > target::leaf(int)  1,000  1,001",
      "low       +1 (+0.1%)  calls    program                                                   1,002  1,003  exact",
  };
  EXPECT_EQ(std::vector<std::string>(got.begin() + 6, got.end()), table) << r.out;
}

TEST(PerfReportDiff, FailOnGatesWithOneLine) {
  const std::string base = target_dump(4242), next = target_dump(4343, 7000, 1001);
  ReportRun r = perf_report("diff " + base + " --against " + next + " --fail-on low");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "perf-report: diff: 2 regressions (2 low), 0 improvements; worst low: +1 (+0.1%) calls of function "
            "target::leaf(int) (1,000 -> 1,001) (--fail-on low)\n");
  EXPECT_EQ(perf_report("diff " + base + " --against " + next + " --fail-on medium").status, 0);
  EXPECT_EQ(perf_report("diff " + base + " --against " + base).status, 0);
}

TEST(PerfReportDiff, SlowerRunsAreSignificantAndTheJsonCarriesEveryRun) {
  std::string base, next;
  uint64_t pid = 5000;
  for (uint64_t ticks : {600, 610, 590, 605, 595}) base += " " + target_dump(pid++, 7000, 1000, ticks);
  for (uint64_t ticks : {700, 710, 690, 705, 695}) next += " " + target_dump(pid++, 7000, 1000, ticks);
  ReportRun r = perf_report("diff --format json" + base + " --against" + next);
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["fnprof_diff_version"], 1);
  EXPECT_EQ(j["method"]["noise_tested"], true);
  ASSERT_GE(j["regressions"].size(), 1u) << r.out;
  const nlohmann::json& c = j["regressions"][0];
  EXPECT_EQ(c["name"], "target::leaf(int)");
  EXPECT_EQ(c["measure"], "self time");
  EXPECT_EQ(c["severity"], "medium");  // +16.7% of 60-70% of the time
  EXPECT_DOUBLE_EQ(c["p"].get<double>(), 2.0 / 252);
  EXPECT_NEAR(c["relative"].get<double>(), 0.7 / 0.6 - 1, 1e-9);
  EXPECT_EQ(c["base_runs"].size(), 5u);
  // work's self time fell by what leaf's rose.
  ASSERT_EQ(j["improvements"].size(), 1u) << r.out;
  EXPECT_EQ(j["improvements"][0]["name"], "target::work(int)");
  ReportRun gate = perf_report("diff" + base + " --against" + next + " --fail-on medium");
  EXPECT_EQ(gate.status, 1) << gate.out;
  const std::string json_path = temp_path("diff.json");
  std::ofstream(json_path) << r.out;
  const std::string command = std::string("python3 ") + VALIDATE_JSON + " " + DIFF_SCHEMA + " " + json_path + " 2>&1";
  EXPECT_EQ(std::system((command + " >/dev/null").c_str()), 0) << command;
}

TEST(PerfReportDiff, FoldedPairsGiveEachContextsSelfTimeOnBothSides) {
  const std::string base = target_dump(4242), next = target_dump(4343, 7000, 1000, 700);
  ReportRun r = perf_report("diff --format folded " + base + " --against " + next);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "main 100000 100000\n"
            "main;target::work(int) 300000 200000\n"
            "main;target::work(int);target::leaf(int) 600000 700000\n");
}

// Google Benchmark's JSON: BM_same keeps its times, BM_slower's cpu time
// rises 50% in every repetition; aggregates are not repetitions.
std::string benchmark_results(const std::string& name, double slower_ns) {
  nlohmann::json benchmarks = nlohmann::json::array();
  const double jitter[] = {0, 1, -1, 2, -2};
  for (int i = 0; i < 5; ++i) {
    for (auto [bm, ns] : {std::pair{"BM_same", 100.0}, std::pair{"BM_slower/8", slower_ns}})
      benchmarks.push_back({{"name", bm}, {"run_name", bm}, {"run_type", "iteration"}, {"repetitions", 5},
                            {"repetition_index", i}, {"iterations", 1000}, {"real_time", ns + jitter[i]},
                            {"cpu_time", ns + jitter[i]}, {"time_unit", "ns"}});
  }
  benchmarks.push_back({{"name", "BM_same_mean"}, {"run_name", "BM_same"}, {"run_type", "aggregate"},
                        {"aggregate_name", "mean"}, {"real_time", 1e9}, {"cpu_time", 1e9}, {"time_unit", "ns"}});
  const std::string path = temp_path(name);
  std::ofstream(path) << nlohmann::json{{"context", {{"library_version", "v1.7.1"}}}, {"benchmarks", benchmarks}};
  return path;
}

TEST(PerfReportDiff, GoogleBenchmarkResultsAreComparedOverRepetitions) {
  const std::string base = benchmark_results("base.json", 200), next = benchmark_results("new.json", 300);
  ReportRun r = perf_report("diff --format json " + base + " --against " + next);
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["figures_compared"], 4);  // real and cpu time of two benchmarks
  ASSERT_EQ(j["regressions"].size(), 2u) << r.out;
  for (const nlohmann::json& c : j["regressions"]) {
    EXPECT_EQ(c["subject"], "benchmark");
    EXPECT_EQ(c["name"], "BM_slower/8");
    EXPECT_EQ(c["severity"], "critical");  // +50%, and a benchmark is all of itself
    EXPECT_DOUBLE_EQ(c["p"].get<double>(), 2.0 / 252);
    EXPECT_DOUBLE_EQ(c["base"].get<double>(), 200e-9);
  }
  EXPECT_EQ(perf_report("diff " + base + " --against " + next + " --fail-on critical").status, 1);
  const std::string bad = temp_path("bad.json");
  std::ofstream(bad) << R"({"context": {}})";
  r = perf_report("diff " + bad + " --against " + next);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "perf-report: " + bad + ": not Google Benchmark results: no \"benchmarks\" array\n");
}

TEST(PerfReportDiff, ReadsWhatTheBenchmarksThemselvesWrite) {
  const std::string a = temp_path("a.json"), b = temp_path("b.json");
  for (const std::string& out : {a, b}) {
    // It is linked with libfnprof.so: its own dump goes to the temp directory.
    const std::string command = "FNPROF_OUTPUT=" + temp_path("dumps") + " " + std::string(HOOK_PAIR_BENCH) +
                                " --benchmark_filter=BM_EmptyHookPair --benchmark_repetitions=3"
                                " --benchmark_min_time=0.001 --benchmark_out_format=json --benchmark_out=" +
                                out + " >/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  ReportRun r = perf_report("diff --format json " + a + " --against " + b);
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["base_runs"].size(), 3u);
  EXPECT_EQ(j["figures_compared"], 2);
  EXPECT_EQ(j["method"]["noise_tested"], true);
}

TEST(PerfReportDiff, HtmlPageHasSortableTablesAndADifferentialFlameGraph) {
  const std::string base = target_dump(4242), next = target_dump(4343, 7000, 1000, 700);
  ReportRun r = perf_report("diff --format html " + base + " --against " + next);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("<title>fnprof diff: 2 regressions (2 medium), 1 improvement</title>"), std::string::npos);
  // Regressions and improvements, one tbody a change, sorted by the values.
  EXPECT_NE(r.out.find("<h2>Regressions, worst first</h2>\n<table class=\"changes\">"), std::string::npos);
  EXPECT_NE(r.out.find("<tbody><tr><td data-v=\"2\">medium</td><td data-v=\"0.16666666666666674\">+16.7%</td>"
                       "<td>self time</td><td>function</td><td class=\"name\">target::leaf(int)</td>"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("<h2>Improvements</h2>"), std::string::npos);
  // Frames by inclusive time: leaf slower (red, a third of full strength at
  // +16.7%), work and main unchanged (grey), each with its path and figures.
  EXPECT_NE(r.out.find("<title>main &gt; target::work(int) &gt; target::leaf(int)\nbase 600ms, new 700ms "
                       "(+16.7%)</title><rect x=\"0.0\" y=\"34.0\" width=\"840.0\" height=\"16\" "
                       "fill=\"rgb(235,175,175)\"/>"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("<title>main &gt; target::work(int)\nbase 900ms, new 900ms (+0.0%)</title>"),
            std::string::npos);
  EXPECT_NE(r.out.find("<title>main\nbase 1.00s, new 1.00s (+0.0%)</title><rect x=\"0.0\" y=\"0.0\" "
                       "width=\"1200.0\" height=\"16\" fill=\"#d8d8d8\"/>"),
            std::string::npos)
      << r.out;
}

// perf-report history: six runs of the target in start-time order, leaf's
// time stepping up at the fourth and holding; one slow run alone is no step.
TEST(PerfReportHistory, NamesTheRunWhereAFigureSteppedAndHeld) {
  std::string runs;
  uint64_t pid = 6000;
  for (uint64_t ticks : {600, 605, 598, 800, 805, 802}) runs += " " + target_dump(pid++, 7000, 1000, ticks);
  ReportRun r = perf_report("history --format json" + runs);
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["runs"].size(), 6u);
  std::vector<std::string> stepped;
  for (const nlohmann::json& s : j["series"]) {
    if (!s.contains("step")) continue;
    stepped.push_back(s["name"].get<std::string>() + ": " + s["measure"].get<std::string>());
    EXPECT_EQ(s["step"]["run"], 3);
  }
  // leaf's self time up a third, work's down by as much; calls held.
  EXPECT_EQ(stepped, (std::vector<std::string>{"target::leaf(int): self time", "target::work(int): self time"}));

  std::string outlier;
  for (uint64_t ticks : {600, 605, 850, 598, 602}) outlier += " " + target_dump(pid++, 7000, 1000, ticks);
  r = perf_report("history --format json" + outlier);
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json quiet = nlohmann::json::parse(r.out);
  for (const nlohmann::json& s : quiet["series"]) EXPECT_FALSE(s.contains("step")) << s;

  r = perf_report("history" + runs);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.out)[0], "fnprof history: 6 runs, 8 series, 2 stepped");
  EXPECT_NE(r.out.find("▁▁▁███"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("run 4 ("), std::string::npos) << r.out;

  // The page: stepped series first, the step's run marked on their charts,
  // a dot per run in every chart (8 series x 6 runs).
  r = perf_report("history --format html" + runs);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("<h1>fnprof history: 6 runs, 8 series, 2 stepped</h1>"), std::string::npos) << r.out;
  const size_t first_row = r.out.find("<tr");
  EXPECT_EQ(r.out.find("<tr class=\"stepped\">", first_row + 1), r.out.find("<tr", first_row + 1)) << r.out;
  size_t dots = 0, marks = 0;
  for (size_t at = r.out.find("<circle"); at != std::string::npos; at = r.out.find("<circle", at + 1)) ++dots;
  for (size_t at = r.out.find("class=\"at\""); at != std::string::npos; at = r.out.find("class=\"at\"", at + 1)) ++marks;
  EXPECT_EQ(dots, 48u);
  EXPECT_EQ(marks, 2u);
  EXPECT_NE(r.out.find("<title>run 4 ("), std::string::npos) << r.out;
}

// perf-report merge: a merged baseline stands in for its runs.
std::string merged(const std::string& inputs, const std::string& name) {
  const std::string out = temp_path(name);
  ReportRun r = perf_report("merge " + inputs + " -o " + out);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  return out;
}

TEST(PerfReportMerge, TheDiffOfAMergedBaselineIsTheDiffOfItsRuns) {
  std::string base, first, last, next;
  uint64_t pid = 5000;
  for (uint64_t ticks : {600, 610, 590, 605, 595}) {
    std::string dump = target_dump(pid++, 7000, 1000, ticks);
    base += " " + dump;
    (pid <= 5003 ? first : last) += " " + dump;
  }
  for (uint64_t ticks : {700, 710, 690, 705, 695}) next += " " + target_dump(pid++, 7000, 1000, ticks);
  const std::string all = merged(base, "all.fnp");
  // Merged dumps merge: (runs 1-3) + (runs 4-5).
  const std::string nested = merged(merged(first, "first.fnp") + " " + merged(last, "last.fnp"), "nested.fnp");
  for (std::string format : {"json", "text"}) {
    ReportRun runs = perf_report("diff --format " + format + base + " --against" + next);
    ASSERT_EQ(runs.status, 0) << runs.err;
    for (const std::string& m : {all, nested}) {
      ReportRun one = perf_report("diff --format " + format + " " + m + " --against" + next);
      ASSERT_EQ(one.status, 0) << one.err;
      EXPECT_EQ(one.out, runs.out) << m;
    }
  }
  // Every run's values, and the U test over them, as with the five dumps.
  nlohmann::json j = nlohmann::json::parse(perf_report("diff --format json " + all + " --against" + next).out);
  EXPECT_EQ(j["base_runs"].size(), 5u);
  EXPECT_EQ(j["regressions"][0]["name"], "target::leaf(int)");
  EXPECT_DOUBLE_EQ(j["regressions"][0]["p"].get<double>(), 2.0 / 252);
  // And history sees five runs where the merged dump stands.
  EXPECT_EQ(lines(perf_report("history " + all + next).out)[0].rfind("fnprof history: 10 runs,", 0), 0u);
}

TEST(PerfReportMerge, CopiesSumInTheReportAndCompareRunByRun) {
  const std::string copies = target_dump(4242) + " " + target_dump(4243) + " " + target_dump(4244);
  const std::string m = merged(copies, "copies.fnp");
  ReportRun r = perf_report(m);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has_line(r.out, "total calls:  3,006")) << r.out;  // 3 x (1 + 1 + 1000)
  EXPECT_TRUE(has_line(r.out, "threads:      1")) << r.out;     // one thread, three runs of it
  // Three identical runs are not three times the calls of one.
  ReportRun d = perf_report("diff " + m + " --against " + target_dump(4343));
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(lines(d.out)[0], "fnprof diff: 3 base runs against 1 new run");
  EXPECT_TRUE(has_line(d.out, "14 figures compared: 0 regressions, 0 improvements")) << d.out;
  d = perf_report("diff " + m + " --against " + target_dump(4343, 7000, 1001));
  EXPECT_TRUE(has_line(d.out, "low       +1 (+0.1%)  calls    function  target::leaf(int)                               "
                              "1,000  1,001  exact"))
      << d.out;
}

TEST(PerfReportMerge, BadInputExitsTwoNamingTheFile) {
  const std::string out = temp_path("bad.fnp");
  ReportRun r = perf_report("merge " + target_dump() + " /nonexistent.fnp -o " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "perf-report: /nonexistent.fnp: cannot open: No such file or directory\n");
  const std::string results = benchmark_results("results.json", 200);
  r = perf_report("merge " + results + " -o " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "perf-report: " + results + ": Google Benchmark results, not a dump: merge takes dumps\n");
  r = perf_report("merge " + target_dump());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "perf-report: --output is required\n");
  r = perf_report("merge " + target_dump() + " -o /nonexistent/m.fnp");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "perf-report: /nonexistent/m.fnp: cannot open for writing: No such file or directory\n");
}

TEST(PerfReportDiff, BadInputExitsTwoNamingTheFile) {
  ReportRun r = perf_report("diff /nonexistent.fnp --against " + target_dump());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("perf-report: /nonexistent.fnp: ", 0), 0u) << r.err;
  r = perf_report("diff " + target_dump());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "perf-report: --against is required\n");
}

}  // namespace
}  // namespace fnprof
