// The instrumentation API (include/fnprof/fnprof.h) end to end: the api_*
// programs of tests/programs run under libfnprof.so, built with GCC and
// Clang, and their dumps are read back with perf-report's library.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "model/api_profile.h"
#include "call_counts.h"
#include "dump/dump_reader.h"
#include "fnprof/format.h"
#include "model/profile.h"
#include "program_run.h"
#include "report/report.h"
#include "symbolize/symbolizer.h"

namespace fnprof::test {
namespace {

using format::DumpReason;

class Api : public testing::TestWithParam<std::string> {
 protected:
  std::string program(const std::string& name) const {
    return std::string(FNPROF_TEST_PROGRAMS_DIR) + "/" + name + "_" + GetParam();
  }
  void TearDown() override {
    for (const std::string& dir : dirs_) std::filesystem::remove_all(dir);
  }
  ProgramRun run(const std::string& name, const std::vector<std::string>& args = {},
                 const std::vector<std::string>& env = {}) {
    ProgramRun r = run_program(program(name), args, env);
    dirs_.push_back(r.dir);
    return r;
  }
  Profile profile_of(const std::vector<Dump>& dumps) {
    Symbolizer symbolizer;
    return build_profile(dumps, symbolizer);
  }

 private:
  std::vector<std::string> dirs_;
};

std::map<std::string, int64_t> int_meta(const ApiData& api, const std::vector<MetaValue>& meta) {
  std::map<std::string, int64_t> out;
  for (const MetaValue& m : meta)
    if (m.type == static_cast<uint64_t>(format::MetaType::Int)) out[api.name(m.key)] = m.int_value;
  return out;
}

const PhaseStats* phase(const ApiProfile& api, const std::string& path) {
  for (const PhaseStats& p : api.phases)
    if (p.path == path) return &p;
  return nullptr;
}

TEST_P(Api, PhasesNestRepeatAndKeepTheirOrderPerThread) {
  ProgramRun r = run("api_phases");
  ASSERT_EQ(r.status(), "0") << r.stderr_text;
  ASSERT_EQ(r.dumps.size(), 1u);
  Dump d = read_dump(r.dumps[0]);
  const ApiData& api = d.api;
  ASSERT_EQ(api.phases.size(), 5u) << "main and four phaser threads";

  std::set<int64_t> threads_seen;
  for (const PhaseLog& log : api.phases) {
    EXPECT_EQ(log.dropped, 0u);
    if (log.tid == static_cast<uint64_t>(r.pid)) {
      ASSERT_EQ(log.phases.size(), 2u);
      EXPECT_EQ(api.name(log.phases[0].name), "setup");
      EXPECT_EQ(api.name(log.phases[1].name), "throws");
      EXPECT_FALSE(log.phases[1].open) << "the exception's unwinding ended the phase";
      EXPECT_GT(log.phases[1].duration_ticks, 0u);
      continue;
    }
    // Thread i: 3 x (outer, (i + 1) x (inner, leaf)), in begin order.
    ASSERT_FALSE(log.phases.empty());
    int64_t i = int_meta(api, log.phases[0].meta)["thread"];
    threads_seen.insert(i);
    ASSERT_EQ(log.phases.size(), static_cast<size_t>(3 * (1 + 2 * (i + 1))));
    size_t at = 0;
    for (int round = 0; round < 3; ++round) {
      const ApiPhase& outer = log.phases[at];
      EXPECT_EQ(api.name(outer.name), "outer");
      EXPECT_EQ(outer.parent, -1);
      size_t outer_at = at++;
      for (int k = 0; k <= i; ++k) {
        const ApiPhase& inner = log.phases[at];
        EXPECT_EQ(api.name(inner.name), "inner");
        EXPECT_EQ(inner.parent, static_cast<int64_t>(outer_at));
        EXPECT_EQ(int_meta(api, inner.meta)["k"], k);
        size_t inner_at = at++;
        const ApiPhase& leaf = log.phases[at++];
        EXPECT_EQ(api.name(leaf.name), "leaf");
        EXPECT_EQ(leaf.parent, static_cast<int64_t>(inner_at));
        ASSERT_EQ(leaf.meta.size(), 2u);
        EXPECT_EQ(leaf.meta[0].float_value, 0.5);
        EXPECT_EQ(leaf.meta[1].string_value, "x");
        EXPECT_EQ(int_meta(api, leaf.result)["done"], 1);
        EXPECT_LE(inner.begin_ticks, leaf.begin_ticks);
        EXPECT_LE(leaf.begin_ticks + leaf.duration_ticks, inner.begin_ticks + inner.duration_ticks);
      }
    }
  }
  EXPECT_EQ(threads_seen, (std::set<int64_t>{0, 1, 2, 3}));

  Profile p = profile_of({d});
  std::vector<std::string> order;
  for (const PhaseStats& s : p.api.phases) order.push_back(s.path);
  EXPECT_EQ(order, (std::vector<std::string>{"setup", "outer", "outer > inner", "outer > inner > leaf", "throws"}))
      << "first-seen order, children after their parent";
  EXPECT_EQ(phase(p.api, "outer")->count, 12u);
  EXPECT_EQ(phase(p.api, "outer > inner")->count, 30u);
  EXPECT_EQ(phase(p.api, "outer > inner > leaf")->count, 30u);
  EXPECT_EQ(phase(p.api, "outer > inner > leaf")->depth, 2u);
  for (const PhaseStats& s : p.api.phases) {
    EXPECT_EQ(s.open, 0u) << s.path;
    EXPECT_LE(s.min_seconds, s.p95_seconds);
    EXPECT_LE(s.p95_seconds, s.max_seconds);
  }

  ASSERT_EQ(p.api.checkpoints.size(), 2u);
  EXPECT_EQ(p.api.checkpoints[0].name, "ready");
  ASSERT_EQ(p.api.checkpoints[0].meta.size(), 1u);
  EXPECT_EQ(p.api.checkpoints[0].meta[0].int_value, 4);
  EXPECT_EQ(p.api.checkpoints[1].name, "done");
  EXPECT_GT(p.api.checkpoints[1].since_previous_seconds, 0);

  CallCounts counts = counts_of(p);
  EXPECT_EQ(counts.calls["step()"], 60u);
}

TEST_P(Api, CountersAreExactUnderEightThreads) {
  ProgramRun r = run("api_counters");
  ASSERT_EQ(r.status(), "0") << r.stderr_text;
  ASSERT_EQ(r.dumps.size(), 1u);
  Profile p = profile_of({read_dump(r.dumps[0])});
  std::map<std::string, CounterRow> by_name;
  for (const CounterRow& c : p.api.counters) by_name[c.name] = c;
  ASSERT_EQ(by_name.size(), 3u);
  EXPECT_EQ(by_name["tx"].value, 8'000'000);
  EXPECT_EQ(by_name["tx"].updates, 8'000'000u);
  EXPECT_EQ(by_name["tx"].direction, "higher");
  EXPECT_FALSE(by_name["tx"].gauge);
  EXPECT_EQ(by_name["by-name"].value, 7995);
  EXPECT_TRUE(by_name["queue"].gauge);
  EXPECT_EQ(by_name["queue"].direction, "lower");
  EXPECT_EQ(by_name["queue"].value, 7);
  EXPECT_EQ(by_name["queue"].min, 0);
  EXPECT_EQ(by_name["queue"].max, 100);
  EXPECT_EQ(by_name["queue"].updates, 4u);
}

TEST_P(Api, SamplerTakesOneSamplePerIntervalAndCharacterizesPhases) {
  ProgramRun r = run("api_sampler", {}, {"FNPROF_SAMPLE_INTERVAL=50ms"});
  ASSERT_EQ(r.status(), "0") << r.stderr_text;
  ASSERT_EQ(r.dumps.size(), 1u);
  Dump d = read_dump(r.dumps[0]);
  const ResourceTimeline& tl = d.api.resources;
  ASSERT_TRUE(tl.present);
  EXPECT_EQ(tl.interval_ns, 50'000'000u);
  ASSERT_FALSE(tl.samples.empty());
  // The first sample is at start-up; the run lasts from the runtime's start
  // to the dump, minus the clock calibration the dump may wait for.
  double run_seconds = static_cast<double>(tl.samples.back().ticks - d.process.start_ticks) /
                       static_cast<double>(d.process.ticks_per_second);
  double expected = 1 + run_seconds / 0.05;
  EXPECT_NEAR(static_cast<double>(tl.samples.size()), expected, 1.0);
  EXPECT_GE(run_seconds, 0.9);
  EXPECT_GE(tl.samples.size(), 19u);
  EXPECT_LE(tl.samples.size(), 23u);
  for (size_t i = 1; i < tl.samples.size(); ++i) {
    EXPECT_GE(tl.samples[i].user_us + tl.samples[i].system_us, tl.samples[i - 1].user_us + tl.samples[i - 1].system_us);
    EXPECT_GT(tl.samples[i].rss_bytes, 0u);
    EXPECT_GE(tl.samples[i].threads, 2u) << "the program's and the sampler's";
  }

  Profile p = profile_of({d});
  const PhaseStats* busy = phase(p.api, "busy");
  const PhaseStats* idle = phase(p.api, "idle");
  ASSERT_TRUE(busy && idle);
  ASSERT_TRUE(busy->resources.present && idle->resources.present);
  // A spinning thread gets a whole core on an idle machine, and much less of
  // one when other work keeps both cores busy (16% measured with a load of
  // 24): how much is the scheduler's, that it is far more than sleeping is
  // the sampler's.
  EXPECT_GT(busy->resources.cpu_avg_percent, 2 * idle->resources.cpu_avg_percent + 10);
  EXPECT_LT(idle->resources.cpu_avg_percent, 20);
  EXPECT_LT(p.api.resources.sampler_cpu_percent, 1.0);
}

TEST_P(Api, SamplerOffWithIntervalZero) {
  ProgramRun r = run("api_sampler", {}, {"FNPROF_SAMPLE_INTERVAL=0"});
  ASSERT_EQ(r.dumps.size(), 1u);
  EXPECT_FALSE(read_dump(r.dumps[0]).api.resources.present);
}

TEST_P(Api, PauseExcludesThePausedCalls) {
  ProgramRun r = run("api_pause");
  ASSERT_EQ(r.status(), "0") << r.stderr_text;
  ASSERT_EQ(r.dumps.size(), 1u);
  CallCounts counts = counts_of(profile_of({read_dump(r.dumps[0])}));
  EXPECT_EQ(counts.calls["main"], 1u);
  EXPECT_EQ(counts.calls["region"], 1u);
  EXPECT_EQ(counts.calls["counted"], 19u);
  EXPECT_EQ(counts.calls["hidden"], 0u);
  EXPECT_EQ((counts.edges[{"main", "counted"}]), 17u);
  EXPECT_EQ((counts.edges[{"region", "counted"}]), 2u) << "after resume, calls attach to the open caller";
}

TEST_P(Api, FlushReplacesTheProcesssDumpWithACompleteCumulativeOne) {
  ProgramRun r = run("api_flush");
  ASSERT_EQ(r.status(), "0") << r.stderr_text;
  EXPECT_EQ(r.stdout_text, "flush 60 2 files 1 1\n");
  ASSERT_EQ(r.dumps.size(), 1u);
  EXPECT_EQ(std::filesystem::path(r.dumps[0]).filename(),
            "fnprof.api_flush_" + GetParam() + "." + std::to_string(r.pid) + ".fnp");
  Dump d = read_dump(r.dumps[0]);  // throws unless complete
  EXPECT_EQ(counts_of(profile_of({d})).calls["work"], 60u);
  EXPECT_EQ(d.process.reason, static_cast<uint64_t>(DumpReason::Exit));
}

// A file at the name (an earlier process's with the same pid) is left as it
// is: the process's dumps take the next name, and replace each other there.
TEST_P(Api, FlushNeverReplacesAnEarlierProcesssDump) {
  ProgramRun r = run("api_flush", {"collide"});
  ASSERT_EQ(r.status(), "0") << r.stderr_text;
  EXPECT_EQ(r.stdout_text, "flush 60 2 files 2 2\n");
  std::string base = r.dir + "/fnprof.api_flush_" + GetParam() + "." + std::to_string(r.pid);
  ASSERT_EQ(r.dumps, (std::vector<std::string>{base + ".2.fnp", base + ".fnp"}));
  std::ifstream earlier(base + ".fnp");
  std::string text((std::istreambuf_iterator<char>(earlier)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "earlier process\n");
  Dump d = read_dump(base + ".2.fnp");
  EXPECT_EQ(counts_of(profile_of({d})).calls["work"], 60u);
  EXPECT_EQ(d.process.reason, static_cast<uint64_t>(DumpReason::Exit));
}

// Flushing as often as allowed (every 10 ms), so that the exit often comes
// while a flush is being written: the exit dump waits for it and replaces
// the last flush's, and no temporary file is left behind (one run in eight
// left one before; a hundred flushes left a hundred files).
TEST_P(Api, PeriodicFlushesLeaveOneFileTheExitDump) {
  ProgramRun r = run("api_sampler", {}, {"FNPROF_FLUSH_INTERVAL=10ms"});
  ASSERT_EQ(r.status(), "0") << r.stderr_text;
  ASSERT_EQ(r.dumps.size(), 1u) << "about a hundred flushes in one second, then exit";
  EXPECT_EQ(read_dump(r.dumps[0]).process.reason, static_cast<uint64_t>(DumpReason::Exit));
  for (const auto& entry : std::filesystem::directory_iterator(r.dir))
    EXPECT_FALSE(entry.path().filename().string().ends_with(".tmp")) << entry.path();
}

TEST_P(Api, ProgramRunsWithoutFnprof) {
  ProgramRun r = run("api_phases_plain");
  EXPECT_EQ(r.status(), "0") << r.stderr_text;
  EXPECT_EQ(r.stdout_text, "phases 60\n");
  EXPECT_TRUE(r.dumps.empty());
  std::string needed = run_command("readelf -d " + program("api_phases_plain"));
  EXPECT_EQ(needed.find("libfnprof"), std::string::npos) << needed;
}

TEST_P(Api, FatalSignalWritesTheCrashingStack) {
  ProgramRun r = run("api_crash", {"crash"});
  EXPECT_EQ(r.status(), "signal 11") << "the signal still ends the program";
  ASSERT_EQ(r.dumps.size(), 1u);
  Dump d = read_dump(r.dumps[0]);
  EXPECT_EQ(d.process.reason, static_cast<uint64_t>(DumpReason::Signal));
  EXPECT_EQ(d.process.signal, 11u);
  Profile p = profile_of({d});
  ASSERT_EQ(p.api.stacks.size(), 3u);
  const CapturedStackRow& start = p.api.stacks[0];
  EXPECT_EQ(start.label, "at start");
  ASSERT_GE(start.frames.size(), 2u);
  EXPECT_EQ(start.frames[0].function, "capturer");
  EXPECT_EQ(start.frames[1].function, "main");
  const CapturedStackRow& unwound = p.api.stacks[1];
  EXPECT_EQ(unwound.label, "unwound");
  ASSERT_GE(unwound.frames.size(), 2u) << "unwound by libunwind: no instrumented frame is open";
  EXPECT_EQ(unwound.frames[0].function, "plain_capture");
  EXPECT_EQ(unwound.frames[1].function, "plain_thread");
  const CapturedStackRow& crash = p.api.stacks[2];
  EXPECT_EQ(crash.signal, 11u);
  EXPECT_EQ(crash.label, "fatal signal SEGV");
  std::vector<std::string> names;
  for (const Frame& f : crash.frames) names.push_back(f.function);
  EXPECT_EQ(names, (std::vector<std::string>{"crash", "outer", "main"}));
}

TEST_P(Api, SummaryAtExitWithFnprofSummary) {
  ProgramRun r = run("api_phases", {}, {"FNPROF_SUMMARY=1"});
  ASSERT_EQ(r.status(), "0");
  EXPECT_NE(r.stderr_text.find("fnprof:   phase outer: 12 x"), std::string::npos) << r.stderr_text;
  EXPECT_NE(r.stderr_text.find("run perf-report"), std::string::npos) << r.stderr_text;
}

// The first `columns` fields of every CSV record but the header.
std::vector<std::string> csv_rows(const Profile& p, const std::string& table, size_t columns) {
  std::ostringstream out;
  ReportOptions options;
  options.table = table;
  write_report(out, "csv", p, options);
  std::vector<std::string> rows;
  std::istringstream in(out.str());
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t end = 0;
    for (size_t n = 0; n < columns && end != std::string::npos; ++n) end = line.find(',', end + (n > 0));
    rows.push_back(line.substr(0, end));
  }
  return rows;
}

TEST_P(Api, CsvTablesOfPhasesAndCounters) {
  ProgramRun phases = run("api_phases");
  ProgramRun counters = run("api_counters");
  Profile p = profile_of({read_dump(phases.dumps.at(0))});
  // path, name, depth, count, open
  EXPECT_EQ(csv_rows(p, "phases", 5),
            (std::vector<std::string>{"setup,setup,0,1,0", "outer,outer,0,12,0", "outer > inner,inner,1,30,0",
                                      "outer > inner > leaf,leaf,2,30,0", "throws,throws,0,1,0"}));
  Profile c = profile_of({read_dump(counters.dumps.at(0))});
  // name, kind, direction, value, min, max, updates
  EXPECT_EQ(csv_rows(c, "counters", 7),
            (std::vector<std::string>{"tx,counter,higher,8000000,,,8000000", "queue,gauge,lower,7,0,100,4",
                                      "by-name,counter,,7995,,,8001"}));
  std::ostringstream out;
  ReportOptions options;
  options.table = "counters";
  EXPECT_THROW(write_report(out, "csv", p, options), std::runtime_error);  // api_phases has none
}

INSTANTIATE_TEST_SUITE_P(Compilers, Api, testing::Values("gcc", "clang"));

}  // namespace
}  // namespace fnprof::test
