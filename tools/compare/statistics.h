// The statistics a comparison of runs rests on: the Mann-Whitney U test
// (two-sided, with tie correction) and the Hodges-Lehmann estimate of the
// shift between two samples with its distribution-free confidence interval.
//
// Both are rank methods: they assume nothing about the shape of the timing
// distribution (run times are skewed and have outliers), only that the runs
// of a side are independent. Small samples without ties get the exact null
// distribution of U; otherwise its normal approximation with the tie
// correction and a continuity correction.
//
//   MannWhitney t = mann_whitney({1.0, 1.1, 0.9}, {1.4, 1.5, 1.3});  // t.p = 0.1
//   Shift s = hodges_lehmann({1.0, 1.1, 0.9}, {1.4, 1.5, 1.3}, 0.05);
#pragma once

#include <cstddef>
#include <vector>

namespace fnprof {

struct MannWhitney {
  double u = 0;    // of the second sample: pairs (a, b) with b > a, ties counting 1/2
  double p = 1;    // two-sided
  bool exact = false;
};

// Two samples of at least one value each.
MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b);

struct Shift {
  double estimate = 0;    // median of the pairwise differences b_j - a_i
  double low = 0, high = 0;  // confidence interval at 1 - alpha (as close as the samples allow)
};

Shift hodges_lehmann(const std::vector<double>& a, const std::vector<double>& b, double alpha);

// The fewest runs per side with which two samples that differ completely
// can reach p < alpha (4 for alpha 0.05).
size_t runs_needed(double alpha);

double median(std::vector<double> values);

}  // namespace fnprof
