#include "compare/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fnprof {
namespace {

// Beyond this many values a side, the normal approximation is within a
// fraction of a percent of the exact p-value and far cheaper.
constexpr size_t kExactLimit = 25;

struct Ranked {
  std::vector<double> ranks;  // of a's values then b's, ties sharing their mean rank
  double tie_term = 0;        // sum of t^3 - t over groups of t tied values
};

Ranked rank(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> all(a);
  all.insert(all.end(), b.begin(), b.end());
  std::vector<size_t> order(all.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return all[x] < all[y]; });
  Ranked r{std::vector<double>(all.size()), 0};
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && all[order[j]] == all[order[i]]) ++j;
    double mean_rank = (static_cast<double>(i + j) + 1) / 2;  // ranks i+1 .. j
    for (size_t k = i; k < j; ++k) r.ranks[order[k]] = mean_rank;
    double t = static_cast<double>(j - i);
    r.tie_term += t * t * t - t;
    i = j;
  }
  return r;
}

// counts[u]: how many of the C(m+n, m) orderings of two samples of sizes m
// and n without ties give U = u (the coefficients of the Gaussian binomial).
std::vector<double> u_distribution(size_t m, size_t n) {
  // c[i][j] is the distribution for sizes (i, j); U of (i, j) is U of
  // (i - 1, j) when the largest value is from the first sample, and U of
  // (i, j - 1) plus i when it is from the second.
  std::vector<std::vector<std::vector<double>>> c(m + 1, std::vector<std::vector<double>>(n + 1));
  for (size_t i = 0; i <= m; ++i)
    for (size_t j = 0; j <= n; ++j) {
      std::vector<double>& d = c[i][j];
      d.assign(i * j + 1, 0);
      if (i == 0 || j == 0) {
        d[0] = 1;
        continue;
      }
      for (size_t u = 0; u < c[i - 1][j].size(); ++u) d[u] += c[i - 1][j][u];
      for (size_t u = 0; u < c[i][j - 1].size(); ++u) d[u + i] += c[i][j - 1][u];
    }
  return c[m][n];
}

double normal_upper_tail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

// z with normal_upper_tail(z) == q, for 0 < q < 0.5.
double normal_quantile(double q) {
  double lo = 0, hi = 40;
  for (int i = 0; i < 200; ++i) {
    double mid = (lo + hi) / 2;
    (normal_upper_tail(mid) > q ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

bool exact_applies(size_t m, size_t n, const Ranked& r) {
  return m <= kExactLimit && n <= kExactLimit && r.tie_term == 0;
}

}  // namespace

MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b) {
  const size_t m = a.size(), n = b.size();
  Ranked r = rank(a, b);
  double rank_sum_b = std::accumulate(r.ranks.begin() + static_cast<std::ptrdiff_t>(m), r.ranks.end(), 0.0);
  MannWhitney t;
  t.u = rank_sum_b - static_cast<double>(n) * static_cast<double>(n + 1) / 2;
  const double mn = static_cast<double>(m) * static_cast<double>(n);
  if (exact_applies(m, n, r)) {
    std::vector<double> counts = u_distribution(m, n);
    double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    auto u = static_cast<size_t>(std::lround(t.u));
    double below = std::accumulate(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(u) + 1, 0.0);
    double above = std::accumulate(counts.begin() + static_cast<std::ptrdiff_t>(u), counts.end(), 0.0);
    t.p = std::min(1.0, 2 * std::min(below, above) / total);
    t.exact = true;
    return t;
  }
  const double big_n = static_cast<double>(m + n);
  double variance = mn / 12 * ((big_n + 1) - r.tie_term / (big_n * (big_n - 1)));
  if (variance <= 0) return t;  // every value tied: no evidence of a difference
  double z = (std::fabs(t.u - mn / 2) - 0.5) / std::sqrt(variance);
  t.p = z <= 0 ? 1 : std::min(1.0, 2 * normal_upper_tail(z));
  return t;
}

Shift hodges_lehmann(const std::vector<double>& a, const std::vector<double>& b, double alpha) {
  std::vector<double> d;
  d.reserve(a.size() * b.size());
  for (double x : a)
    for (double y : b) d.push_back(y - x);
  std::sort(d.begin(), d.end());
  Shift s;
  s.estimate = median(d);
  // [k-th smallest difference, k-th largest] covers the shift with
  // probability 1 - 2 P(U <= k - 1): k is the largest that keeps it at least
  // 1 - alpha (1 when even the full range cannot).
  const size_t m = a.size(), n = b.size();
  size_t k = 1;
  Ranked r = rank(a, b);
  if (exact_applies(m, n, r)) {
    std::vector<double> counts = u_distribution(m, n);
    double total = std::accumulate(counts.begin(), counts.end(), 0.0), tail = 0;
    for (size_t u = 0; u < counts.size(); ++u) {
      tail += counts[u];
      if (tail / total > alpha / 2) break;
      k = u + 1;
    }
  } else {
    double mn = static_cast<double>(m * n);
    double half_width = normal_quantile(alpha / 2) * std::sqrt(mn * static_cast<double>(m + n + 1) / 12);
    k = static_cast<size_t>(std::max(1.0, std::floor(mn / 2 - half_width)));
  }
  k = std::min(k, (d.size() + 1) / 2);
  s.low = d[k - 1];
  s.high = d[d.size() - k];
  return s;
}

size_t runs_needed(double alpha) {
  // Completely separated samples of n each have the smallest two-sided exact
  // p-value, 2 / C(2n, n).
  for (size_t n = 1;; ++n) {
    double orderings = 1;
    for (size_t i = 1; i <= n; ++i) orderings = orderings * static_cast<double>(n + i) / static_cast<double>(i);
    if (2 / orderings < alpha) return n;
  }
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  double upper = values[mid];
  if (values.size() % 2) return upper;
  double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

}  // namespace fnprof
