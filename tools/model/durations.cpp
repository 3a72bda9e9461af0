#include "model/durations.h"

#include <algorithm>
#include <cmath>

#include "fnprof/format.h"

namespace fnprof {

void Durations::add(const CallDurations& d, double seconds_per_tick) {
  uint64_t calls = 0;
  for (uint64_t c : d.buckets) calls += c;
  if (!calls) return;
  Durations other;
  other.calls_ = calls;
  other.min_ = static_cast<double>(d.min_ticks) * seconds_per_tick;
  other.max_ = static_cast<double>(d.max_ticks) * seconds_per_tick;
  other.seconds_per_tick_ = seconds_per_tick;
  other.buckets_ = d.buckets;
  add(other);
}

void Durations::add(const Durations& other) {
  if (other.empty()) return;
  min_ = empty() ? other.min_ : std::min(min_, other.min_);
  max_ = empty() ? other.max_ : std::max(max_, other.max_);
  if (empty()) seconds_per_tick_ = other.seconds_per_tick_, shift_ = other.shift_;
  calls_ += other.calls_;
  if (buckets_.size() < other.buckets_.size()) buckets_.resize(other.buckets_.size(), 0);
  for (size_t b = 0; b < other.buckets_.size(); ++b) buckets_[b] += other.buckets_[b];
}

double Durations::bucket_floor_seconds(uint32_t bucket) const {
  return static_cast<double>(format::duration_bucket_floor(bucket)) * seconds_per_tick_ - shift_;
}

double Durations::percentile(double p) const {
  if (empty()) return 0;
  const double rank = p * static_cast<double>(calls_);
  double before = 0;
  for (uint32_t b = 0; b < buckets_.size(); ++b) {
    const auto count = static_cast<double>(buckets_[b]);
    if (count == 0 || before + count < rank) {
      before += count;
      continue;
    }
    // The bucket's calls spread evenly over its width; the open last bucket
    // ends at the longest call.
    double lo = bucket_floor_seconds(b);
    double hi = b + 1 < format::kDurationBuckets ? bucket_floor_seconds(b + 1) : max_;
    double value = lo + (hi - lo) * std::max(0.0, rank - before) / count;
    return std::clamp(value, min_, max_);
  }
  return max_;
}

void Durations::shift(double seconds) {
  shift_ += seconds;
  min_ = std::max(0.0, min_ - seconds);
  max_ = std::max(0.0, max_ - seconds);
}

}  // namespace fnprof
