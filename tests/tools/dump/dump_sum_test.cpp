// DumpSum: N copies of a run, each loaded at another address and with other
// tids, sum to one dump with the same paths, sites, phases and counters and
// every deterministic figure times N exactly.
#include "dump/dump_sum.h"

#include <gtest/gtest.h>

#include "dump/dump_writer.h"
#include "sample_dump.h"

namespace fnprof {
namespace {

using testing::sample_dump;

constexpr uint64_t kCopies = 3;

Dump sum_of_copies() {
  DumpSum sum;
  for (uint64_t i = 0; i < kCopies; ++i) sum.add(sample_dump(4242 + 10 * i, 0x5500'0000'0000 + i * 0x10'0000'0000));
  return sum.result();
}

TEST(DumpSum, CopiesAtOtherAddressesMeetAndTheirCountsMultiplyByN) {
  const Dump one = sample_dump(), sum = sum_of_copies();
  // Laid out where the first copy had them.
  EXPECT_EQ(sum.modules.size(), one.modules.size());
  EXPECT_EQ(sum.modules[0].bias, one.modules[0].bias);
  ASSERT_EQ(sum.threads.size(), 2u);
  for (size_t t = 0; t < 2; ++t) {
    ASSERT_EQ(sum.threads[t].nodes.size(), one.threads[t].nodes.size()) << "thread " << t;
    for (size_t n = 1; n < one.threads[t].nodes.size(); ++n) {
      const CallNode &a = one.threads[t].nodes[n], &b = sum.threads[t].nodes[n];
      EXPECT_EQ(b.func, a.func);
      EXPECT_EQ(b.parent, a.parent);
      EXPECT_EQ(b.calls, kCopies * a.calls) << "node " << n;
      EXPECT_EQ(b.incl_ticks, kCopies * a.incl_ticks) << "node " << n;
    }
    EXPECT_EQ(sum.threads[t].end_ticks - sum.threads[t].start_ticks,
              kCopies * (one.threads[t].end_ticks - one.threads[t].start_ticks));
  }
  EXPECT_EQ(sum.threads[0].tid, 4242u);
  EXPECT_EQ(sum.threads[1].tid, 4243u);
  EXPECT_EQ(sum.process.end_ticks - sum.process.start_ticks, kCopies * 2000);
  EXPECT_EQ(sum.process.start_unix_ns, one.process.start_unix_ns);

  const AllocSummary &s = sum.alloc.summary, &o = one.alloc.summary;
  for (auto field : {&AllocSummary::allocations, &AllocSummary::frees, &AllocSummary::bytes_allocated,
                     &AllocSummary::bytes_freed, &AllocSummary::live_blocks, &AllocSummary::live_bytes,
                     &AllocSummary::peak_live_bytes, &AllocSummary::temporary, &AllocSummary::mismatched,
                     &AllocSummary::untracked_frees})
    EXPECT_EQ(s.*field, kCopies * (o.*field));
  ASSERT_EQ(sum.alloc.stacks.size(), 2u);
  EXPECT_EQ(sum.alloc.stacks[1].frames, one.alloc.stacks[1].frames);
  ASSERT_EQ(sum.alloc.sites.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const AllocSite &a = one.alloc.sites[i], &b = sum.alloc.sites[i];
    EXPECT_EQ(b.tid, a.tid);
    for (auto field : {&AllocSite::allocations, &AllocSite::frees, &AllocSite::bytes_allocated,
                       &AllocSite::bytes_freed, &AllocSite::peak_live_bytes, &AllocSite::bytes_at_peak,
                       &AllocSite::temporary, &AllocSite::mismatched})
      EXPECT_EQ(b.*field, kCopies * (a.*field)) << "site " << i;
    ASSERT_EQ(b.size_histogram.size(), a.size_histogram.size());
    for (size_t k = 0; k < a.size_histogram.size(); ++k)
      EXPECT_EQ(b.size_histogram[k].second, kCopies * a.size_histogram[k].second);
  }

  // Phases by path: parse's two instances are one, holding all of its time.
  ASSERT_EQ(sum.api.phases.size(), 1u);
  const std::vector<ApiPhase>& phases = sum.api.phases[0].phases;
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(sum.api.name(phases[0].name), "load");
  EXPECT_EQ(phases[0].duration_ticks, kCopies * 400);
  EXPECT_EQ(sum.api.name(phases[1].name), "parse");
  EXPECT_EQ(phases[1].parent, 0);
  EXPECT_EQ(phases[1].duration_ticks, kCopies * 150);
  ASSERT_EQ(sum.api.counters.size(), 2u);
  EXPECT_EQ(sum.api.counters[0].value, static_cast<int64_t>(kCopies) * 40);
  EXPECT_EQ(sum.api.counters[0].updates, kCopies * 4);
  // A gauge is a level, not an amount: its last value stays.
  EXPECT_EQ(sum.api.counters[1].value, 3);
  EXPECT_EQ(sum.api.counters[1].updates, kCopies * 6);
}

TEST(DumpSum, ASumAddsLikeItsRunsAndReadsBack) {
  // (a + b) + c is a + b + c.
  DumpSum pair, all;
  pair.add(sample_dump(1, 0x1000'0000));
  pair.add(sample_dump(2, 0x2000'0000));
  DumpSum nested;
  nested.add(read_dump("pair.fnp", encode_dump(pair.result())));
  nested.add(sample_dump(3, 0x3000'0000));
  for (uint64_t i = 1; i <= 3; ++i) all.add(sample_dump(i, i * 0x1000'0000));
  Dump a = nested.result(), b = all.result();
  a.path = b.path;
  EXPECT_EQ(encode_dump(a), encode_dump(b));
}

TEST(DumpSum, AnotherClockIsConvertedToTheFirsts) {
  Dump fast = sample_dump(7);
  fast.process.ticks_per_second = 4000;
  for (CallNode& n : fast.threads[0].nodes) n.incl_ticks *= 4;
  DumpSum sum;
  sum.add(sample_dump());
  sum.add(fast);
  EXPECT_EQ(sum.result().threads[0].nodes[1].incl_ticks, 2 * 1900u);
}

TEST(DumpSum, DurationsAddBucketByBucket) {
  Dump one = sample_dump(1), two = sample_dump(2);
  two.threads[0].durations[2] = CallDurations{10, 5000, {}};
  two.threads[0].durations[2].buckets.resize(format::duration_bucket(5000) + 1, 0);
  two.threads[0].durations[2].buckets[format::duration_bucket(10)] = 1;
  two.threads[0].durations[2].buckets[format::duration_bucket(5000)] = 1;
  two.probe_cost = ProbeCost{35.5, 7.25, 2048};
  DumpSum sum;
  sum.add(one);
  sum.add(two);
  const Dump& s = sum.result();
  const CallDurations& d = s.threads[0].durations[2];
  EXPECT_EQ(d.min_ticks, 10u);
  EXPECT_EQ(d.max_ticks, 5000u);
  std::vector<uint64_t> expected = one.threads[0].durations[2].buckets;
  expected.resize(two.threads[0].durations[2].buckets.size(), 0);
  ++expected[format::duration_bucket(10)], ++expected[format::duration_bucket(5000)];
  EXPECT_EQ(d.buckets, expected);
  EXPECT_EQ(s.threads[0].durations[1].buckets[format::duration_bucket(1900)], 2u);  // main, once a run
  // Both runs made the same calls: the cost is their mean.
  ASSERT_TRUE(s.probe_cost);
  EXPECT_DOUBLE_EQ(s.probe_cost->pair_ticks, 30.5);
  EXPECT_DOUBLE_EQ(s.probe_cost->inside_ticks, 7.25);
  // And it reads back as it was summed.
  Dump back = read_dump("sum.fnp", encode_dump(s));
  EXPECT_EQ(back.threads[0].durations[2].buckets, expected);
  EXPECT_EQ(back.threads[1].durations.size(), 0u);
  ASSERT_TRUE(back.probe_cost);
  EXPECT_DOUBLE_EQ(back.probe_cost->pair_ticks, 30.5);
}

}  // namespace
}  // namespace fnprof
