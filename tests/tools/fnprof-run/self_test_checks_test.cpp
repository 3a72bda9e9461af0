// fnprof-run --self-test's judgement (tools/fnprof-run/self_test_checks.h)
// on made-up figures: a measurement equal to the truth passes, each kind of
// fault fails its check and the verdict, and the tolerances hold at their
// edges. The command end to end: self_test_run.sh.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "fnprof-run/self_test_checks.h"
#include "fnprof-run/self_test_report.h"

namespace fnprof::run {
namespace {

SelfTestTruth truth() {
  SelfTestTruth t;
  t.tick_rate_spin = 2.096e9, t.tick_rate_sleep = 2.096e9;
  t.spin_seconds = 0.020;
  t.work_calls = 10'000, t.tiny_calls = 1'000'000;
  t.work_min_seconds = 1.8e-6, t.tiny_min_seconds = 1e-9;
  t.fib_calls = 21'891, t.counted_calls = 1'000;
  t.heap_allocations = 10, t.heap_frees = 9;
  t.heap_bytes_allocated = 82'805, t.heap_bytes_freed = 82'028;
  t.heap_block_peak = 81'028, t.heap_leaked_bytes = 777;
  t.sleep_seconds = 0.050, t.join_seconds = 0.030;
  return t;
}

// What a faultless fnprof measures of truth().
SelfTestMeasured exact_measurement() {
  const SelfTestTruth t = truth();
  SelfTestMeasured m;
  m.clock = "tsc", m.ticks_per_second = 2.096e9;
  m.probe_measured = true, m.probe_pair_seconds = 20e-9, m.probe_inside_seconds = 9e-9;
  m.spin_seconds = t.spin_seconds;
  m.work_calls = t.work_calls, m.tiny_calls = t.tiny_calls;
  m.work_min_seconds = t.work_min_seconds, m.tiny_min_seconds = t.tiny_min_seconds;
  m.fib_calls = t.fib_calls, m.counted_calls = t.counted_calls;
  m.heap_allocations = t.heap_allocations, m.heap_frees = t.heap_frees;
  m.heap_bytes_allocated = t.heap_bytes_allocated, m.heap_bytes_freed = t.heap_bytes_freed;
  m.heap_block_peak = t.heap_block_peak, m.heap_leaked_bytes = t.heap_leaked_bytes;
  m.leak_scanned = true;
  m.sleep_seconds = t.sleep_seconds, m.join_seconds = t.join_seconds;
  return m;
}

const SelfTestCheck& find(const std::vector<SelfTestCheck>& checks, const std::string& name) {
  for (const SelfTestCheck& c : checks)
    if (c.name == name) return c;
  ADD_FAILURE() << "no check " << name;
  static SelfTestCheck none;
  return none;
}

// The names of the checks that failed, "a; b".
std::string failed(const std::vector<SelfTestCheck>& checks) {
  std::string names;
  for (const SelfTestCheck& c : checks)
    if (!c.passed) names += (names.empty() ? "" : "; ") + c.name;
  return names;
}

TEST(SelfTestChecks, TheTruthPassesEveryCheck) {
  const std::vector<SelfTestCheck> checks = check_self_test(truth(), exact_measurement());
  EXPECT_EQ(checks.size(), 18u);
  EXPECT_EQ(failed(checks), "");
  EXPECT_EQ(self_test_exit_status(checks), 0);
}

TEST(SelfTestChecks, OneCallTooManyFailsTheCountAndTheVerdict) {
  SelfTestMeasured m = exact_measurement();
  m.fib_calls = 21'892;
  const std::vector<SelfTestCheck> checks = check_self_test(truth(), m);
  EXPECT_EQ(failed(checks), "fib(20) calls");
  EXPECT_EQ(self_test_exit_status(checks), 1);
}

TEST(SelfTestChecks, AllocationsAreExact) {
  SelfTestMeasured m = exact_measurement();
  m.heap_bytes_freed -= 1;
  m.heap_block_peak += 16;
  EXPECT_EQ(failed(check_self_test(truth(), m)), "heap_work: bytes freed; heap_block: peak live bytes");
}

TEST(SelfTestChecks, ALeakWithoutAScanFails) {
  SelfTestMeasured m = exact_measurement();
  m.leak_scanned = false;
  EXPECT_EQ(failed(check_self_test(truth(), m)), "leaked_block: definitely lost bytes");
}

TEST(SelfTestChecks, TheBusyLoopPassesWithin2PercentAndFailsOutside) {
  SelfTestMeasured m = exact_measurement();
  m.spin_seconds = 0.020 * 1.019;
  EXPECT_TRUE(find(check_self_test(truth(), m), "spin_20ms, inclusive").passed);
  m.spin_seconds = 0.020 * 0.979;
  const SelfTestCheck c = find(check_self_test(truth(), m), "spin_20ms, inclusive");
  EXPECT_FALSE(c.passed);
  EXPECT_NEAR(c.error(), -0.021, 1e-9);
}

TEST(SelfTestChecks, TheTinyCallsPassWithin25PercentInclusiveAndSelf) {
  SelfTestMeasured m = exact_measurement();
  m.work_min_seconds = 1.8e-6 * 1.24;
  EXPECT_TRUE(find(check_self_test(truth(), m), "work (2 µs + 100 calls), fastest call, inclusive").passed);
  m.work_min_seconds = 1.8e-6 * 0.74;
  std::vector<SelfTestCheck> checks = check_self_test(truth(), m);
  EXPECT_FALSE(find(checks, "work (2 µs + 100 calls), fastest call, inclusive").passed);
  // Self: 1.8 µs less 100 calls of 1 ns is 1.7 µs; tiny() 4.25 ns slower
  // makes it 0.425 µs (25%) shorter: at the edge, and past it.
  m = exact_measurement();
  m.tiny_min_seconds = 1e-9 + 4.2e-9;
  EXPECT_TRUE(find(check_self_test(truth(), m), "work (2 µs + 100 calls), fastest call, self").passed);
  m.tiny_min_seconds = 1e-9 + 4.3e-9;
  checks = check_self_test(truth(), m);
  EXPECT_EQ(failed(checks), "work (2 µs + 100 calls), fastest call, self");
  EXPECT_EQ(self_test_exit_status(checks), 1);
}

TEST(SelfTestChecks, AWaitMissingFromItsCallerFails) {
  SelfTestMeasured m = exact_measurement();
  m.sleep_seconds = 0;  // nanosleep not found under sleep_50ms
  m.join_seconds = 0.030 * 1.049;
  EXPECT_EQ(failed(check_self_test(truth(), m)), "sleep_50ms -> nanosleep, blocked");
}

TEST(SelfTestChecks, TheClockAndTheHookCost) {
  SelfTestMeasured m = exact_measurement();
  m.ticks_per_second = 2.096e9 * 1.002;  // calibrated 0.2% off
  m.probe_pair_seconds = 1.5e-6;         // an emulated TSC
  SelfTestTruth t = truth();
  t.tick_rate_sleep = 2.096e9 * 0.9995;
  EXPECT_EQ(failed(check_self_test(t, m)),
            "tsc tick rate against the program's own; enter and exit hook pair, measured at start-up");
  m = exact_measurement();
  m.probe_measured = false;
  EXPECT_EQ(failed(check_self_test(truth(), m)), "enter and exit hook pair, measured at start-up");
}

TEST(SelfTestChecks, TheMonotonicClockTicksInNanoseconds) {
  SelfTestMeasured m = exact_measurement();
  m.clock = "monotonic", m.ticks_per_second = 1e9;
  const std::vector<SelfTestCheck> checks = check_self_test(truth(), m);
  EXPECT_EQ(checks.size(), 17u);
  EXPECT_EQ(failed(checks), "");
}

TEST(SelfTestChecks, ReadsTheTruthAndNamesWhatIsMissing) {
  const std::string path = ::testing::TempDir() + "self_test_truth";
  std::ofstream(path) << "tick_rate_spin 2096000000.0\ntick_rate_sleep 2096000000.0\nspin_ns 20000123\n";
  try {
    read_self_test_truth(path);
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": no 'work_calls' in the self-test program's truth");
  }
  std::ofstream(path, std::ios::app) << "work_calls 10000\ntiny_calls 1000000\nwork_min_ns 1800.5\ntiny_min_ns 1.000\n"
                                        "fib_calls 21891\ncounted_calls 1000\nheap_allocations 10\nheap_frees 9\n"
                                        "heap_bytes_allocated 82805\nheap_bytes_freed 82028\nheap_block_peak 81028\n"
                                        "heap_leaked_bytes 777\nsleep_ns 50000000\njoin_ns 30000000\n";
  const SelfTestTruth t = read_self_test_truth(path);
  EXPECT_DOUBLE_EQ(t.spin_seconds, 0.020000123);
  EXPECT_DOUBLE_EQ(t.work_min_seconds, 1800.5e-9);
  EXPECT_EQ(t.fib_calls, 21'891u);
  EXPECT_EQ(t.heap_leaked_bytes, 777u);
  std::remove(path.c_str());
}

TEST(SelfTestReport, PrintsEveryCheckAndTheVerdict) {
  SelfTestMeasured m = exact_measurement();
  m.counted_calls = 999;
  const std::vector<SelfTestCheck> checks = check_self_test(truth(), m);
  char* text = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  print_self_test(out, "/opt/fnprof/libexec/fnprof/fnprof-self-test-program", m, checks);
  std::fclose(out);
  const std::string printed(text, size);
  std::free(text);
  EXPECT_NE(printed.find("\ncounts       counted calls (a loop)                                      999       1,000"
                         "      -1      exact  FAIL\n"),
            std::string::npos)
      << printed;
  EXPECT_NE(printed.find("+0.00%      ±0.1%  PASS\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("≤ 1.00µs  PASS\n"), std::string::npos) << printed;
  EXPECT_TRUE(printed.starts_with("program: /opt/fnprof/libexec/fnprof/fnprof-self-test-program, run under fnprof"))
      << printed;
  EXPECT_TRUE(printed.ends_with("verdict: FAIL (1 of 18 checks failed)\n")) << printed;
}

}  // namespace
}  // namespace fnprof::run
