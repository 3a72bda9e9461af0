// Encodes the tracker's tables as dump sections (format.h: alloc-stacks,
// alloc-summary, alloc-sites, heap-timeline, live-blocks, leak-scan). Runs inside the
// runtime's dump writer: at exit, before exec, in a signal handler. So it
// only reads the tables (other threads may still be changing them: values
// read are each consistent, the whole may be a moment out of step), encodes
// into the dump's own mapping and calls nothing that allocates.
#include "../dump_buffer.h"
#include "../runtime_api.h"
#include "heap_sampling.h"
#include "live_blocks.h"
#include "main_entry.h"
#include "reachability.h"
#include "settings.h"
#include "site_table.h"
#include "stack_table.h"
#include "tracker.h"

namespace fnprof::alloc {

using namespace format;

namespace {

void put_stacks(rt::DumpBuffer& b) {
  uint32_t limit = stack_id_limit();
  uint32_t count = 0;
  for (uint32_t id = 0; id < limit; ++id) count += stack_at(id) != nullptr;
  size_t at = b.begin_section();
  b.put_varint(count);
  uint32_t prev_id = 0;
  uint32_t written = 0;
  for (uint32_t id = 0; id < limit && written < count; ++id) {
    const StackNode* s = stack_at(id);
    if (!s) continue;
    b.put(StackRecord{id - prev_id, s->kind, s->frame_count});
    b.put_frames(s->frames, s->frame_count);
    prev_id = id;
    ++written;
  }
  b.end_section(at, SectionType::AllocStacks);
}

uint64_t site_bytes_at_peak(const Site& s, uint64_t peak_epoch) {
  return s.peak_epoch_seen == peak_epoch ? s.bytes_at_peak : s.live_bytes();
}

void put_summary(rt::DumpBuffer& b, uint32_t sites) {
  AllocSummaryRecord r;
  bool truncated = g_heap.truncated.load(std::memory_order_relaxed);
  for (const AllocThread* t = thread_list(); t; t = t->next) {
    r.allocations += t->allocations;
    r.frees += t->frees;
    r.bytes_allocated += t->bytes_allocated;
    r.bytes_freed += t->bytes_freed;
    r.temporary += t->temporary;
    r.mismatched += t->mismatched;
    r.untracked_frees += t->untracked_frees;
    truncated |= t->truncated;
  }
  for (uint32_t i = 0; i < sites; ++i) {
    const Site& s = site_at(i);
    r.live_blocks += s.allocations - s.frees();
    r.live_bytes += s.live_bytes();
  }
  r.peak_live_bytes = g_heap.peak_bytes.load(std::memory_order_relaxed);
  r.peak_ticks = g_heap.peak_ticks.load(std::memory_order_relaxed);
  r.stack_mode = static_cast<uint64_t>(g_settings.stack_mode);
  r.stack_depth = g_settings.stack_depth;
  r.sample_interval_ns = g_settings.sample_interval_ns;
  r.snapshot_stride = uint64_t{1} << (g_heap.sample_state.load(std::memory_order_acquire) >> 32);
  r.flags = truncated ? uint64_t{kAllocTruncated} : 0;
  size_t at = b.begin_section();
  b.put(r);
  b.end_section(at, SectionType::AllocSummary);
}

void put_sites(rt::DumpBuffer& b, uint32_t sites) {
  uint64_t peak_epoch = g_heap.peak_epoch.load(std::memory_order_relaxed);
  uint64_t state = g_heap.sample_state.load(std::memory_order_acquire);
  uint64_t samples = static_cast<uint32_t>(state);
  uint64_t stride = uint64_t{1} << (state >> 32);
  uint64_t snapshot_count = samples / stride < kSnapshots ? samples / stride : kSnapshots;
  size_t at = b.begin_section();
  b.put_varint(sites);
  for (uint32_t i = 0; i < sites; ++i) {
    const Site& s = site_at(i);
    uint64_t snapshots[kSnapshots];
    for (uint32_t j = 0; j < kSnapshots; ++j) snapshots[j] = s.snapshots[j];
    if (s.sample_state_seen != state)
      bring_snapshots_up_to_date(snapshots, s.sample_state_seen, state, s.live_bytes());
    // Other threads may allocate meanwhile: the buckets counted must be the
    // buckets written, so both come from one copy.
    uint64_t histogram[kSizeBuckets];
    for (uint32_t k = 0; k < kSizeBuckets; ++k) histogram[k] = s.histogram[k];
    __asm__("" : : "r"(histogram) : "memory");  // the compiler must not read through to the site
    uint64_t buckets = 0;
    for (uint64_t h : histogram) buckets += h != 0;
    b.put(AllocSiteRecord{s.stack_id, s.tid, s.allocations, s.frees(), s.bytes_allocated,
                          s.bytes_freed(), s.peak_live_bytes, site_bytes_at_peak(s, peak_epoch),
                          s.temporary, s.mismatched.load(std::memory_order_relaxed), buckets,
                          snapshot_count});
    for (uint32_t k = 0; k < kSizeBuckets; ++k) {
      if (histogram[k]) b.put(SizeBucketRecord{k, histogram[k]});
    }
    for (uint64_t j = 0; j < snapshot_count; ++j) b.put_varint(snapshots[j]);
  }
  b.end_section(at, SectionType::AllocSites);
}

void put_timeline(rt::DumpBuffer& b) {
  uint64_t n = static_cast<uint32_t>(g_heap.sample_state.load(std::memory_order_acquire));
  size_t at = b.begin_section();
  b.put(HeapTimelineRecord{g_settings.sample_interval_ns, n});
  DeltaCodec<uint64_t> ticks;
  DeltaCodec<int64_t> live;
  for (uint64_t i = 0; i < n; ++i) {
    const HeapSample& s = g_heap.samples[i];
    b.put(HeapSampleRecord{ticks.encode(s.ticks), live.encode(s.live_bytes)});
  }
  b.end_section(at, SectionType::HeapTimeline);
}

struct BlockWriter {
  rt::DumpBuffer* b;
  DeltaCodec<uint64_t> address;
  uint64_t count;
  uint32_t sites;
};

void put_live_blocks(rt::DumpBuffer& b, uint32_t sites) {
  size_t at = b.begin_section();
  // One pass over the table: the count is filled in after the records.
  size_t count_at = b.reserve_count();
  BlockWriter w{&b, {}, 0, sites};
  for_each_block([](void* ctx, uint64_t address, uint64_t size, uint32_t site, uint32_t kind) {
    auto* w = static_cast<BlockWriter*>(ctx);
    if (site >= w->sites) return;  // allocated while the dump is written
    w->b->put(LiveBlockRecord{w->address.encode(address), size, site, kind & kKindMask});
    ++w->count;
  }, &w);
  b.set_count(count_at, w.count);
  b.end_section(at, SectionType::LiveBlocks);
}

// Scans now, whatever the dump's reason (the process record says when),
// but in a signal handler: the handler may have interrupted the loader,
// whose lock dl_iterate_phdr takes.
void put_leak_scan(rt::DumpBuffer& b, uint32_t sites, const ScanStart& start) {
  if (fnprof_rt_dump_in_signal_handler()) return;
  LeakScan scan;
  if (!scan_reachability(sites, start, &scan)) return;
  uint64_t with_blocks = 0;
  for (uint32_t i = 0; i < sites; ++i) {
    const SiteClasses& c = scan.sites[i];
    with_blocks += (c.blocks[0] | c.blocks[1] | c.blocks[2] | c.blocks[3]) != 0;
  }
  uint64_t flags = (main_entered() ? uint64_t{kLeakScanMainEntered} : 0) |
                   (scan.complete ? 0 : uint64_t{kLeakScanIncomplete});
  size_t at = b.begin_section();
  b.put(LeakScanRecord{scan.root_bytes, scan.block_bytes, scan.scan_ns, flags, with_blocks});
  uint32_t prev = 0;
  for (uint32_t i = 0; i < sites; ++i) {
    const SiteClasses& c = scan.sites[i];
    if (!(c.blocks[0] | c.blocks[1] | c.blocks[2] | c.blocks[3])) continue;
    b.put(LeakSiteRecord{i - prev, c.blocks[0], c.bytes[0], c.blocks[1], c.bytes[1], c.blocks[2], c.bytes[2],
                         c.blocks[3], c.bytes[3], c.startup_blocks, c.startup_bytes});
    prev = i;
  }
  b.end_section(at, SectionType::LeakScan);
  release_leak_scan(&scan);
}

}  // namespace

void write_alloc_sections(rt::DumpBuffer& b, uint64_t /*now*/) {
  // Before anything here writes block addresses into the stack below.
  const ScanStart start{reinterpret_cast<uintptr_t>(__builtin_frame_address(0)), arch::callee_saved_registers()};
  uint32_t sites = site_count();
  put_stacks(b);
  put_summary(b, sites);
  put_sites(b, sites);
  put_timeline(b);
  put_live_blocks(b, sites);
  put_leak_scan(b, sites, start);
}

}  // namespace fnprof::alloc
