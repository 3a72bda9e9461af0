// diff_runs over figures built by hand: what is a change, of which severity,
// in which direction, with which evidence.
#include "compare/diff.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "compare/diff_table.h"
#include "compare/run_figures.h"
#include "model/profile.h"

namespace fnprof {
namespace {

struct Program {
  Catalog catalog;
  uint32_t main_fn = catalog.id(Subject::Function, "main\napp");
  uint32_t work_fn = catalog.id(Subject::Function, "work\napp");
  uint32_t leaf_fn = catalog.id(Subject::Function, "leaf\napp");
  uint32_t main_ctx = catalog.context(0, main_fn);
  uint32_t work_ctx = catalog.context(main_ctx, work_fn);
  uint32_t leaf_in_main = catalog.context(main_ctx, leaf_fn);
  uint32_t leaf_in_work = catalog.context(work_ctx, leaf_fn);

  // main -> work -> leaf (leaf_calls) and main -> leaf (direct_calls); leaf
  // takes leaf_seconds of self time, the program 1 s.
  RunFigures run(double leaf_calls, double leaf_seconds, double direct_calls = 0) {
    RunFigures r;
    r.label = "run";
    auto& v = r.values;
    v[{Subject::Program, Measure::Calls, 0}] = 2 + leaf_calls + direct_calls;
    v[{Subject::Function, Measure::Calls, main_fn}] = 1;
    v[{Subject::Function, Measure::Calls, work_fn}] = 1;
    v[{Subject::Function, Measure::Calls, leaf_fn}] = leaf_calls + direct_calls;
    v[{Subject::Function, Measure::SelfTime, main_fn}] = 0.5 - leaf_seconds;
    v[{Subject::Function, Measure::SelfTime, work_fn}] = 0.5;
    v[{Subject::Function, Measure::SelfTime, leaf_fn}] = leaf_seconds;
    v[{Subject::Context, Measure::Calls, main_ctx}] = 1;
    v[{Subject::Context, Measure::Calls, work_ctx}] = 1;
    v[{Subject::Context, Measure::Calls, leaf_in_work}] = leaf_calls;
    if (direct_calls) v[{Subject::Context, Measure::Calls, leaf_in_main}] = direct_calls;
    return r;
  }
};

TEST(Diff, OneExtraCallIsAChangeWithTheContextThatMadeIt) {
  Program p;
  Diff d = diff_runs({p.run(1000, 0.2)}, {p.run(1000, 0.2, 1)}, p.catalog, {});
  ASSERT_EQ(d.regressions.size(), 2u);  // leaf's calls and the program's
  const Change& leaf = d.regressions[0].key.subject == Subject::Function ? d.regressions[0] : d.regressions[1];
  EXPECT_EQ(leaf.key, (FigureKey{Subject::Function, Measure::Calls, p.leaf_fn}));
  EXPECT_TRUE(leaf.exact);
  EXPECT_EQ(leaf.base_value, 1000);
  EXPECT_EQ(leaf.new_value, 1001);
  EXPECT_EQ(leaf.severity, Severity::Low);
  EXPECT_EQ(change_text(leaf), "+1 (+0.1%)");
  ASSERT_EQ(leaf.contexts.size(), 1u);
  EXPECT_EQ(p.catalog.name(Subject::Context, leaf.contexts[0].context), "main > leaf");
  EXPECT_TRUE(d.improvements.empty());
  EXPECT_FALSE(d.noise_tested);
}

TEST(Diff, OneRunASideUsesTheThresholdAlone) {
  Program p;
  Diff small = diff_runs({p.run(1000, 0.2)}, {p.run(1000, 0.21)}, p.catalog, {});  // +5%
  EXPECT_TRUE(small.regressions.empty());
  Diff big = diff_runs({p.run(1000, 0.2)}, {p.run(1000, 0.3)}, p.catalog, {});  // +50%
  ASSERT_FALSE(big.regressions.empty());
  const Change& c = big.regressions.front();
  EXPECT_EQ(c.key, (FigureKey{Subject::Function, Measure::SelfTime, p.leaf_fn}));
  EXPECT_FALSE(c.tested);
  EXPECT_EQ(evidence_text(c), "threshold only (1 run a side)");
  // +50% of a function with 30% of the time: size >= 4 x 10%, share >= 20%.
  EXPECT_EQ(c.severity, Severity::Critical);
  // main's self time fell by as much: an improvement.
  ASSERT_EQ(big.improvements.size(), 1u);
  EXPECT_EQ(big.improvements[0].key.id, p.main_fn);
}

TEST(Diff, SeveralRunsASideNeedSignificance) {
  Program p;
  std::vector<RunFigures> base, noisy, slower;
  for (double x : {0.20, 0.22, 0.18, 0.21, 0.19}) base.push_back(p.run(1000, x));
  // Overlapping samples, medians 10% apart: not significant.
  for (double x : {0.17, 0.25, 0.23, 0.19, 0.22}) noisy.push_back(p.run(1000, x));
  for (double x : {0.30, 0.31, 0.29, 0.32, 0.28}) slower.push_back(p.run(1000, x));
  Diff none = diff_runs(base, noisy, p.catalog, {});
  EXPECT_TRUE(none.noise_tested);
  EXPECT_TRUE(none.regressions.empty());
  Diff d = diff_runs(base, slower, p.catalog, {});
  ASSERT_FALSE(d.regressions.empty());
  const Change& c = d.regressions.front();
  EXPECT_EQ(c.key, (FigureKey{Subject::Function, Measure::SelfTime, p.leaf_fn}));
  EXPECT_TRUE(c.tested);
  EXPECT_DOUBLE_EQ(c.p, 2.0 / 252);
  EXPECT_DOUBLE_EQ(c.relative, 0.30 / 0.20 - 1);
  // The shift's interval over the base median: differences 0.06..0.14,
  // the 3rd smallest and largest.
  EXPECT_NEAR(c.low, 0.07 / 0.20, 1e-9);
  EXPECT_NEAR(c.high, 0.13 / 0.20, 1e-9);
  EXPECT_EQ(evidence_text(c), "p = 0.00794, +35.0% to +65.0%");
}

TEST(Diff, AddedFunctionsAreOneChangeAndCountersFollowTheirDirection) {
  Program p;
  RunFigures base = p.run(1000, 0.2), next = p.run(1000, 0.2);
  uint32_t extra = p.catalog.id(Subject::Function, "extra\napp");
  next.values[{Subject::Function, Measure::Calls, extra}] = 3;
  next.values[{Subject::Function, Measure::SelfTime, extra}] = 0.001;
  uint32_t rows = p.catalog.id(Subject::Counter, "rows/s");
  p.catalog.set_counter_direction(rows, Direction::LowerIsWorse);
  base.values[{Subject::Counter, Measure::Value, rows}] = 1000;
  next.values[{Subject::Counter, Measure::Value, rows}] = 500;
  Diff d = diff_runs({base}, {next}, p.catalog, {});
  std::vector<std::string> got;
  for (const Change& c : d.regressions) got.push_back(subject_text(c, p.catalog) + " " + change_text(c));
  EXPECT_EQ(got, (std::vector<std::string>{"counter rows/s -50.0%", "function extra added"}));
  EXPECT_EQ(d.regressions[0].severity, Severity::Critical);  // a counter's share is 100%
}

TEST(Diff, LeaksAppearingAreHighWhateverTheirSize) {
  Program p;
  RunFigures base = p.run(1000, 0.2), next = p.run(1000, 0.2);
  base.values[{Subject::Program, Measure::LeakedBytes, 0}] = 0;
  next.values[{Subject::Program, Measure::LeakedBytes, 0}] = 16;
  Diff d = diff_runs({base}, {next}, p.catalog, {});
  ASSERT_EQ(d.regressions.size(), 1u);
  EXPECT_EQ(d.regressions[0].severity, Severity::High);
  EXPECT_EQ(change_text(d.regressions[0]), "+16 B");
  Severity worst;
  ASSERT_TRUE(worst_severity(d, worst));
  EXPECT_EQ(worst, Severity::High);
}

// A run's heap as the leak scan classed it at exit: `lost` bytes definitely
// lost at one site (one block), `cached` bytes still reachable at another
// (one block), and a possibly lost 32-byte block at a third.
Profile scanned_heap(uint64_t lost, uint64_t cached) {
  Profile profile;
  HeapProfile& heap = profile.heap;
  heap.present = heap.scanned = true;
  HeapProcess process;
  process.end = "exit";
  process.scanned = true;
  heap.processes.push_back(process);
  auto site = [&](const char* function, uint64_t bytes, LeakClass c) {
    HeapSite s;
    s.frames.push_back(Frame{function, "app.c", 1, true});
    s.counts.allocations = 1, s.counts.bytes_allocated = bytes;
    if (bytes) s.counts.leak.blocks[static_cast<size_t>(c)] = 1, s.counts.leak.bytes[static_cast<size_t>(c)] = bytes;
    heap.totals.add(s.counts);
    heap.live_blocks += 1, heap.live_bytes += bytes;
    heap.sites.push_back(s);
  };
  site("parse", lost, LeakClass::Definite);
  site("cache", cached, LeakClass::Reachable);
  site("worker", 32, LeakClass::Possible);
  return profile;
}

TEST(Diff, LeaksAreTheLostClassesAndReachableMemoryIsApart) {
  Catalog catalog;
  RunFigures run = run_figures(scanned_heap(100, 4000), catalog);
  auto program = [&](Measure m) { return run.values.at({Subject::Program, m, 0}); };
  EXPECT_EQ(program(Measure::LeakedBlocks), 1);
  EXPECT_EQ(program(Measure::LeakedBytes), 100);
  EXPECT_EQ(program(Measure::ReachableBlocks), 1);
  EXPECT_EQ(program(Measure::ReachableBytes), 4000);
  uint32_t parse = catalog.id(Subject::Site, "parse"), cache = catalog.id(Subject::Site, "cache");
  EXPECT_EQ(run.values.at({Subject::Site, Measure::LeakedBytes, parse}), 100);
  EXPECT_EQ(run.values.count({Subject::Site, Measure::LeakedBytes, cache}), 0u);
  EXPECT_EQ(run.values.at({Subject::Site, Measure::ReachableBytes, cache}), 4000);
  EXPECT_EQ(run.values.count({Subject::Site, Measure::LeakedBytes, catalog.id(Subject::Site, "worker")}), 0u);

  // A cache that doubled is a change of reachable memory, measured (not
  // exact: a DTV may flip between possibly lost and reachable) and not a
  // leak; the same leak is no change.
  Catalog c2;
  Diff d = diff_runs({run_figures(scanned_heap(100, 4000), c2)}, {run_figures(scanned_heap(100, 8000), c2)}, c2, {});
  std::vector<std::string> got;
  for (const Change& c : d.regressions)
    got.push_back(subject_text(c, c2) + " " + std::string(measure_name(c.key.measure)) + " " + change_text(c) +
                  (c.exact ? " exact" : ""));
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "allocation site cache bytes allocated +3.9 KiB (+100.0%) exact",
                     "allocation site cache reachable bytes +100.0%",
                     "program bytes allocated +3.9 KiB (+96.8%) exact",
                     "program reachable bytes +100.0%",
                 }));

  // 16 bytes lost where none were: leaks appearing, at least high.
  Catalog c3;
  d = diff_runs({run_figures(scanned_heap(0, 4000), c3)}, {run_figures(scanned_heap(16, 4000), c3)}, c3, {});
  bool leak_appeared = false;
  for (const Change& c : d.regressions)
    if (c.key == FigureKey{Subject::Program, Measure::LeakedBytes, 0}) {
      leak_appeared = true;
      EXPECT_EQ(change_text(c), "+16 B");
      EXPECT_GE(c.severity, Severity::High);
    }
  EXPECT_TRUE(leak_appeared);
}

}  // namespace
}  // namespace fnprof
