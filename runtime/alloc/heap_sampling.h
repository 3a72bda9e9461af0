// The heap over time: the process's peak and its periodic samples, and each
// site's live bytes at those moments.
//
// The live heap is sampled by the first allocation or free after the
// interval elapsed; a thread reads the clock only every kSampleCheck
// operations, so the check costs nothing measurable.
//
// Copy-on-change records. The dump needs each site's live bytes at the
// moment of the process's peak and at each heap sample, but visiting every
// site at those moments is out of the question. Instead, a site about to
// change compares the epoch it last saw with the current one: if a peak (or
// a sample) happened since its last change, its value now, before this
// change, is its value at that moment, and is saved. A site that never
// changes again is read as is by the dump. Exact whenever the peak is not
// reached concurrently with another thread's change to a site.
#pragma once

#include <cstdint>

#include "../compiler.h"
#include "site_table.h"
#include "tracker.h"

namespace fnprof::alloc {

inline constexpr uint32_t kSampleCheck = 64;

FNPROF_COLD void update_snapshots(Site& s, uint64_t state);

inline void before_site_change(Site& s) {
  uint64_t epoch = g_heap.peak_epoch.load(std::memory_order_relaxed);
  if (s.peak_epoch_seen != epoch) {
    s.bytes_at_peak = s.live_bytes();
    s.peak_epoch_seen = epoch;
  }
  uint64_t state = g_heap.sample_state.load(std::memory_order_relaxed);
  if (FNPROF_UNLIKELY(s.sample_state_seen != state)) update_snapshots(s, state);
}

// Updates a copy of a site's snapshots to the current sample state, as the
// site's next change would (the dump writer's view).
void bring_snapshots_up_to_date(uint64_t snapshots[kSnapshots], uint64_t seen_state, uint64_t state,
                                uint64_t live);

// `live` is above the peak: records it as the new one.
FNPROF_COLD void new_peak(uint64_t live);

// Every kSampleCheck operations of a thread: takes a sample when one is due.
FNPROF_COLD void maybe_sample(AllocThread* t);

bool heap_sampling_init();   // maps the sample buffer; false when it cannot
void schedule_next_sample();  // one interval from now
void heap_after_fork();       // the child's heap starts empty

}  // namespace fnprof::alloc
