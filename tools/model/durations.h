// How long the calls of a calling context (or of a function) took, one by
// one: the shortest, the longest, and the runtime's log-bucketed histogram
// (format.h, "Call durations"), added up over threads, processes and runs.
// Percentiles come from the histogram, read linearly inside the bucket that
// holds them and kept between the shortest and the longest call, so a
// percentile is off by at most the width of its bucket (at most half the value).
//
//   Durations d;
//   d.add(thread.durations[i], seconds_per_tick);
//   double p99 = d.percentile(0.99);
#pragma once

#include <cstdint>
#include <vector>

#include "dump/dump_reader.h"

namespace fnprof {

class Durations {
 public:
  // Adds a node's durations. The buckets keep the first clock they met: the
  // dumps merged into one profile come from one machine, whose tick rates
  // differ by parts per million.
  void add(const CallDurations& d, double seconds_per_tick);
  void add(const Durations& other);

  // Finished calls counted (a call still open at the dump is not).
  uint64_t calls() const { return calls_; }
  bool empty() const { return calls_ == 0; }
  double min_seconds() const { return min_; }
  double max_seconds() const { return max_; }
  // p in (0, 1]: the duration that a fraction p of the calls do not exceed.
  double percentile(double p) const;
  // Every duration moved by `seconds` (probe cost compensation: each call's
  // share), never below 0.
  void shift(double seconds);
  double shift_seconds() const { return shift_; }

  // Calls per bucket, and where each bucket begins, in seconds.
  const std::vector<uint64_t>& buckets() const { return buckets_; }
  double bucket_floor_seconds(uint32_t bucket) const;

 private:
  uint64_t calls_ = 0;
  double min_ = 0, max_ = 0, shift_ = 0;
  double seconds_per_tick_ = 0;
  std::vector<uint64_t> buckets_;
};

}  // namespace fnprof
