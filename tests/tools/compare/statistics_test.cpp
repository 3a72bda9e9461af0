// The U test and the Hodges-Lehmann interval against values worked out by
// hand from their definitions.
#include "compare/statistics.h"

#include <gtest/gtest.h>

namespace fnprof {
namespace {

TEST(MannWhitney, SeparatedSamplesGetTheExactSmallestPValue) {
  // Of the C(6, 3) = 20 orderings, one puts every b above every a (U = 9);
  // two-sided, p = 2/20.
  MannWhitney t = mann_whitney({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(t.exact);
  EXPECT_DOUBLE_EQ(t.u, 9);
  EXPECT_DOUBLE_EQ(t.p, 0.1);
  // C(10, 5) = 252.
  EXPECT_DOUBLE_EQ(mann_whitney({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}).p, 2.0 / 252);
  EXPECT_DOUBLE_EQ(mann_whitney({6, 7, 8, 9, 10}, {1, 2, 3, 4, 5}).u, 0);
}

TEST(MannWhitney, ExactTailsCountOrderings) {
  // U = 1 for sizes (3, 3): orderings with U <= 1 are 2 of 20.
  MannWhitney t = mann_whitney({1, 2, 4}, {3, 5, 6});
  EXPECT_DOUBLE_EQ(t.u, 8);  // b above a in 8 of 9 pairs
  EXPECT_DOUBLE_EQ(t.p, 2 * 2.0 / 20);
}

TEST(MannWhitney, TiesUseTheCorrectedNormalApproximation) {
  // Ranks 1.5 1.5 3.5 | 3.5 5.5 5.5: U = 8.5; variance 9/12 (7 - 18/30) = 4.8;
  // z = (8.5 - 4.5 - 0.5) / sqrt(4.8); p = erfc(z / sqrt 2).
  MannWhitney t = mann_whitney({1, 1, 2}, {2, 3, 3});
  EXPECT_FALSE(t.exact);
  EXPECT_DOUBLE_EQ(t.u, 8.5);
  EXPECT_NEAR(t.p, 0.110148924185947, 1e-12);
}

TEST(MannWhitney, IdenticalSamplesShowNoDifference) {
  EXPECT_DOUBLE_EQ(mann_whitney({2, 2, 2}, {2, 2, 2}).p, 1);
  EXPECT_DOUBLE_EQ(mann_whitney({5}, {5}).p, 1);
}

TEST(HodgesLehmann, ShiftAndIntervalFromPairwiseDifferences) {
  // Differences 6..14 with multiplicities 1 2 3 4 5 4 3 2 1. For (5, 5),
  // P(U <= 2) = 4/252 <= 0.025 < P(U <= 3) = 7/252: k = 3, the 3rd smallest
  // and 3rd largest differences.
  Shift s = hodges_lehmann({1, 2, 3, 4, 5}, {11, 12, 13, 14, 15}, 0.05);
  EXPECT_DOUBLE_EQ(s.estimate, 10);
  EXPECT_DOUBLE_EQ(s.low, 7);
  EXPECT_DOUBLE_EQ(s.high, 13);
}

TEST(HodgesLehmann, TooFewRunsGiveTheWholeRange) {
  // For (3, 3), P(U <= 0) = 1/20 > 0.025: no interval is narrower.
  Shift s = hodges_lehmann({1, 2, 3}, {4, 5, 6}, 0.05);
  EXPECT_DOUBLE_EQ(s.estimate, 3);
  EXPECT_DOUBLE_EQ(s.low, 1);
  EXPECT_DOUBLE_EQ(s.high, 5);
}

TEST(Statistics, RunsNeededAndMedian) {
  EXPECT_EQ(runs_needed(0.05), 4u);  // 2/70 < 0.05 <= 2/20
  EXPECT_EQ(runs_needed(0.01), 5u);  // 2/252
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
}

}  // namespace
}  // namespace fnprof
