// find_step: a new level that held is a step; an outlier, a wandering
// figure or too few runs are not.
#include "compare/history.h"

#include <gtest/gtest.h>

namespace fnprof {
namespace {

TEST(HistoryStep, AnOutlierAmongTheFirstRunsIsNoStep) {
  // The old rule (two runs before) took the median of 100 and 150 and named
  // run 3.
  EXPECT_FALSE(find_step({100, 150, 100, 101, 99, 100, 102, 100}, 0.10));
  EXPECT_FALSE(find_step({100, 101, 99, 160, 100, 102, 100, 99}, 0.10));
}

TEST(HistoryStep, ARealStepNamesItsFirstRun) {
  auto step = find_step({100, 102, 98, 101, 130, 131, 129, 132}, 0.10);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->run, 4u);  // 0-based: the fifth run
  EXPECT_DOUBLE_EQ(step->before, 100.5);
  EXPECT_DOUBLE_EQ(step->after, 130.5);
  auto down = find_step({50, 51, 49, 50, 40, 39, 41}, 0.10);
  ASSERT_TRUE(down);
  EXPECT_EQ(down->run, 4u);
}

TEST(HistoryStep, ARunThatDriftedBeforeTheStepIsNotItsStart) {
  // Seen on a loaded machine: the last base run was 25% slow. It passes the
  // test too (every run from it on is beyond the median before it), but the
  // new level starts at the fifth run, where the sides do not overlap.
  auto step = find_step({181, 180, 181, 228, 400, 410, 415, 420}, 0.10);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->run, 4u);
  EXPECT_DOUBLE_EQ(step->before, 181);
}

TEST(HistoryStep, AStepWithinTheFiguresOwnSpreadIsNone) {
  // +25% is beyond the threshold but not beyond three spreads of runs that
  // already wandered by +-30%.
  EXPECT_FALSE(find_step({100, 130, 70, 110, 90, 125, 126, 124}, 0.10));
  // The same step out of steady runs is one.
  EXPECT_TRUE(find_step({100, 101, 99, 100, 100, 125, 126, 124}, 0.10));
}

TEST(HistoryStep, ThreeRunsOnEachSide) {
  EXPECT_FALSE(find_step({100, 100, 130, 130, 130}, 0.10));
  EXPECT_FALSE(find_step({100, 100, 100, 130, 130}, 0.10));
  auto step = find_step({100, 100, 100, 130, 130, 130}, 0.10);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->run, 3u);
}

}  // namespace
}  // namespace fnprof
