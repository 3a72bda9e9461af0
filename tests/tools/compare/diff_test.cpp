// diff_runs over figures built by hand: what is a change, of which severity,
// in which direction, with which evidence.
#include "compare/diff.h"

#include <gtest/gtest.h>

#include "compare/diff_table.h"

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

}  // namespace
}  // namespace fnprof
