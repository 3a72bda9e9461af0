#include "heap_sampling.h"

#include "../clock.h"
#include "../runtime_api.h"
#include "arena.h"
#include "settings.h"

namespace fnprof::alloc {

namespace {

constexpr uint64_t kMaxSamples = 1u << 24;  // 19 days at 100 ms

constinit bool g_clock_is_tsc = false;  // libfnprof.so's choice (clock.h), copied at start

uint64_t read_ticks() { return rt::read_ticks(g_clock_is_tsc); }

}  // namespace

void update_snapshots(Site& s, uint64_t state) {
  bring_snapshots_up_to_date(s.snapshots, s.sample_state_seen, state, s.live_bytes());
  s.sample_state_seen = state;
}

void bring_snapshots_up_to_date(uint64_t snapshots[kSnapshots], uint64_t seen_state, uint64_t state,
                                uint64_t live) {
  uint64_t stride_log = state >> 32, n = static_cast<uint32_t>(state);
  uint64_t seen_log = seen_state >> 32, seen_n = static_cast<uint32_t>(seen_state);
  // Slot j holds sample (j + 1) * stride; doubling the stride keeps the odd
  // slots.
  for (; seen_log < stride_log; ++seen_log) {
    for (uint32_t j = 0; j < kSnapshots / 2; ++j) snapshots[j] = snapshots[2 * j + 1];
    for (uint32_t j = kSnapshots / 2; j < kSnapshots; ++j) snapshots[j] = 0;
  }
  uint64_t stride = uint64_t{1} << stride_log;
  for (uint64_t j = seen_n / stride; j < kSnapshots && (j + 1) * stride <= n; ++j) snapshots[j] = live;
}

void new_peak(uint64_t live) {
  uint64_t peak = g_heap.peak_bytes.load(std::memory_order_relaxed);
  while (live > peak) {
    if (g_heap.peak_bytes.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
      g_heap.peak_ticks.store(read_ticks(), std::memory_order_relaxed);
      g_heap.peak_epoch.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
}

void maybe_sample(AllocThread* t) {
  ErrnoKeeper keep_errno;
  t->sample_countdown = kSampleCheck;
  uint64_t interval = g_settings.sample_interval_ns;
  if (!interval) return;
  uint64_t now = rt::monotonic_ns();
  uint64_t next = g_heap.next_sample_ns.load(std::memory_order_relaxed);
  if (now < next) return;
  uint64_t after = next + interval > now ? next + interval : now + interval;
  // One thread takes the sample; the others see the new deadline.
  if (!g_heap.next_sample_ns.compare_exchange_strong(next, after, std::memory_order_relaxed)) return;
  uint64_t state = g_heap.sample_state.load(std::memory_order_relaxed);
  uint64_t n = static_cast<uint32_t>(state), stride_log = state >> 32;
  if (n == kMaxSamples) return;
  g_heap.samples[n] = {read_ticks(), g_heap.live_bytes.load(std::memory_order_relaxed)};
  ++n;
  // Site snapshots cover at most kSnapshots samples: double their stride.
  if ((n >> stride_log) > kSnapshots) ++stride_log;
  g_heap.sample_state.store(stride_log << 32 | n, std::memory_order_release);
}

bool heap_sampling_init() {
  g_clock_is_tsc = fnprof_rt_clock_source() == format::ClockSource::Tsc;
  g_heap.samples = static_cast<HeapSample*>(reserve(kMaxSamples * sizeof(HeapSample)));
  return g_heap.samples;
}

void schedule_next_sample() {
  g_heap.next_sample_ns.store(rt::monotonic_ns() + g_settings.sample_interval_ns, std::memory_order_relaxed);
}

void heap_after_fork() {
  g_heap.live_bytes.store(0), g_heap.peak_bytes.store(0), g_heap.peak_ticks.store(0);
  g_heap.peak_epoch.store(0), g_heap.sample_state.store(0), g_heap.truncated.store(false);
  g_heap.next_sample_ns.store(rt::monotonic_ns() + g_settings.sample_interval_ns);
}

}  // namespace fnprof::alloc
