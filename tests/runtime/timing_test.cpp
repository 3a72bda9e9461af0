// Times against ground truth the programs measure themselves:
//   - probe_truth: compensated inclusive and self time of a function that
//     spins about 2 us and calls 128 tiny instrumented functions, against its
//     uninstrumented twin (tests/programs/probe_truth.c);
//   - durations: the percentiles of a function's calls against the exact
//     sorted durations the function recorded (tests/programs/durations.c).
// Run alone (RUN_SERIAL): other tests' load would land on one side.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "dump/dump_reader.h"
#include "model/profile.h"
#include "program_case.h"
#include "program_run.h"
#include "symbolize/symbolizer.h"

namespace fnprof::test {
namespace {

Profile profile_of(const ProgramRun& run, Timing timing) {
  EXPECT_EQ(run.dumps.size(), 1u) << run.dir;
  Symbolizer symbolizer;
  return build_profile({read_dump(run.dumps.at(0))}, symbolizer, timing);
}

const FunctionStats& stats_of(const Profile& profile, const std::string& name) {
  for (uint32_t id = 0; id < profile.functions.size(); ++id)
    if (profile.functions[id].symbol.function == name) return profile.merged.functions[id];
  ADD_FAILURE() << "no function " << name;
  static FunctionStats none;
  return none;
}

class ProbeCompensationTest : public testing::TestWithParam<ProgramCase> {};

constexpr int kTinyCalls = 128;  // tools/fnprof-run/tiny_calls_workload.h

// Compared on the fastest calls: a loaded machine's preemptions land in the
// means of either side at random (a mean is off by 2x there), never in the
// fastest of thousands of calls. work() makes 128 calls every time (a
// multiple of the 64 exits between two counts of the deferred durations, so
// its fastest call holds its share of them: tiny_calls_workload.h), so its
// fastest call less the probe cost of 128 pairs and its own inside part is
// its fastest call without fnprof; its self time is that less 128 tiny()
// calls. The goal is 2%; docs/PERFORMANCE.md has what this machine gets:
// -4% to +6% on most runs under load, +14% at worst, where the program's
// own fastest calls wander (a pair between its calls cost 18.9 to 23.9 ns
// from run to run) and the uncompensated times are off by more than +100%.
// So the bound here is what a loaded CI machine keeps with margin: within
// 25%, which the start-up calibration of bare hook pairs it replaced (-20%
// to -46%) did not meet.
TEST_P(ProbeCompensationTest, CompensatedTimesMatchTheUninstrumentedTwin) {
  ProgramRun run = run_program(GetParam().binary());
  ASSERT_EQ(run.status(), "0") << run.stderr_text;
  std::istringstream out(run.stdout_text);
  std::string key[4];
  double value[4];
  for (int i = 0; i < 4; ++i) out >> key[i] >> value[i];
  ASSERT_EQ(key[2], "min_incl_ns") << run.stdout_text;
  const double truth_incl = value[2] * 1e-9, truth_self = (value[2] - kTinyCalls * value[3]) * 1e-9;

  Profile profile = profile_of(run, Timing::Compensated);
  ASSERT_TRUE(profile.probe.applied);
  EXPECT_GT(profile.probe.pair_seconds, profile.probe.inside_seconds);
  const FunctionStats& work = stats_of(profile, "work");
  const FunctionStats& tiny = stats_of(profile, "tiny");
  ASSERT_EQ(work.calls, 20000u);
  ASSERT_EQ(tiny.calls, 20000u * kTinyCalls);
  const double incl = work.durations.min_seconds(), self = incl - kTinyCalls * tiny.durations.min_seconds();
  EXPECT_GT(work.probe_self_seconds, 0);

  Profile raw = profile_of(run, Timing::Raw);
  EXPECT_FALSE(raw.probe.applied);
  const double raw_incl = stats_of(raw, "work").durations.min_seconds();
  EXPECT_GT(raw_incl / truth_incl, 1.8) << "the raw time shows the probe";
  EXPECT_EQ(stats_of(raw, "work").probe_self_seconds, 0);
  const std::string figures = "incl " + std::to_string(incl * 1e9) + " ns, truth " + std::to_string(truth_incl * 1e9) +
                              " ns; self " + std::to_string(self * 1e9) + " ns, truth " +
                              std::to_string(truth_self * 1e9) + " ns; raw incl " + std::to_string(raw_incl * 1e9) +
                              " ns; pair " + std::to_string(profile.probe.pair_seconds * 1e9) + " ns, inside " +
                              std::to_string(profile.probe.inside_seconds * 1e9) + " ns";
  EXPECT_NEAR(incl / truth_incl, 1, 0.25) << figures;
  EXPECT_NEAR(self / truth_self, 1, 0.25) << figures;
}

INSTANTIATE_TEST_SUITE_P(Programs, ProbeCompensationTest, testing::ValuesIn(cases_for({"probe_truth"})), case_name);

class DurationsTest : public testing::TestWithParam<ProgramCase> {};

// Within one bucket: a bucket spans at most half its floor's value
// ([2, 3) x 2^k; [3, 4) x 2^k spans a third).
void expect_within_one_bucket(double got, double truth, const char* what) {
  EXPECT_LE(got, truth * 1.5 + 1e-7) << what;
  EXPECT_GE(got, truth / 1.5 - 1e-7) << what;
}

TEST_P(DurationsTest, PercentilesMatchTheProgramsOwnDurations) {
  ProgramRun run = run_program(GetParam().binary());
  ASSERT_EQ(run.status(), "0") << run.stderr_text;
  std::istringstream out(run.stdout_text);
  std::string key;
  double truth[5];
  for (double& t : truth) {
    out >> key >> t;
    t *= 1e-9;
  }
  ASSERT_TRUE(out) << run.stdout_text;
  // Raw: the program's clock reads sit inside the hooks' ones, so the hook
  // cost inside the call (tens of ns, against 1 us and more) is all between.
  Profile profile = profile_of(run, Timing::Raw);
  const Durations& d = stats_of(profile, "timed").durations;
  ASSERT_EQ(d.calls(), 1000u);
  // The shortest and longest call hold the program's own: more by the hook
  // cost inside the call, less by the error of the tick rate fnprof measured
  // over the run (a few parts in 10,000; 1.3 in 1,000 seen on a loaded
  // machine).
  EXPECT_GE(d.min_seconds(), truth[0] * (1 - 5e-3));
  EXPECT_LE(d.min_seconds(), truth[0] + 20e-6);
  expect_within_one_bucket(d.percentile(0.5), truth[1], "p50");
  expect_within_one_bucket(d.percentile(0.9), truth[2], "p90");
  expect_within_one_bucket(d.percentile(0.99), truth[3], "p99");
  // The longest call can also take a preemption that lands between the
  // hook's clock read and the program's (seen: +49 us on a loaded machine):
  // never below the program's, above it within one bucket.
  EXPECT_GE(d.max_seconds(), truth[4] * (1 - 5e-3));
  expect_within_one_bucket(d.max_seconds(), truth[4], "max");
}

INSTANTIATE_TEST_SUITE_P(Programs, DurationsTest, testing::ValuesIn(cases_for({"durations"})), case_name);

}  // namespace
}  // namespace fnprof::test
