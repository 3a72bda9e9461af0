// Reads the allocation tracker's sections (format.h: alloc-stacks,
// alloc-summary, alloc-sites, heap-timeline, live-blocks) into
// Dump::alloc. dump_reader.cpp's table of parsers calls these.
#include <algorithm>

#include "dump/dump_reader.h"
#include "dump/section_reader.h"
#include "fnprof/format.h"

namespace fnprof {

void read_alloc_stacks(SectionReader& in, Dump& dump) {
  AllocProfile& out = dump.alloc;
  uint64_t n = in.count<format::StackRecord>();
  uint64_t id = 0;
  for (uint64_t i = 0; i < n; ++i) {
    auto r = in.record<format::StackRecord>();
    if ((i > 0 && r.id_delta == 0) || id + r.id_delta > UINT32_MAX) in.fail("stack ids out of order");
    id += r.id_delta;
    AllocStack s;
    s.id = static_cast<uint32_t>(id);
    s.kind = r.kind;
    in.frames(r.frame_count, [&](uint64_t f) { s.frames.push_back(f); });
    if (!out.stacks.empty() && out.stacks.back().id >= s.id) in.fail("stack ids out of order");
    out.stacks.push_back(std::move(s));
  }
}

void read_alloc_summary(SectionReader& in, Dump& dump) {
  auto r = in.record<format::AllocSummaryRecord>();
  dump.alloc.present = true;
  dump.alloc.summary = AllocSummary{
      .allocations = r.allocations,
      .frees = r.frees,
      .bytes_allocated = r.bytes_allocated,
      .bytes_freed = r.bytes_freed,
      .live_blocks = r.live_blocks,
      .live_bytes = r.live_bytes,
      .peak_live_bytes = r.peak_live_bytes,
      .peak_ticks = r.peak_ticks,
      .temporary = r.temporary,
      .mismatched = r.mismatched,
      .untracked_frees = r.untracked_frees,
      .stack_mode = r.stack_mode,
      .stack_depth = r.stack_depth,
      .sample_interval_ns = r.sample_interval_ns,
      .snapshot_stride = r.snapshot_stride,
      .flags = r.flags,
  };
}
// A field added to the record and not to AllocSummary (or the other way) is
// caught here rather than silently dropped.
static_assert(sizeof(AllocSummary) == format::min_size<format::AllocSummaryRecord>() * sizeof(uint64_t),
              "AllocSummary and format::AllocSummaryRecord have different fields");

void read_alloc_sites(SectionReader& in, Dump& dump) {
  uint64_t n = in.count<format::AllocSiteRecord>();
  for (uint64_t i = 0; i < n; ++i) {
    auto r = in.record<format::AllocSiteRecord>();
    if (r.histogram_count > 65) in.fail("bad site record");
    if (r.stack_id > UINT32_MAX) in.fail("site stack id out of range");
    AllocSite s;
    s.stack_id = static_cast<uint32_t>(r.stack_id);
    s.tid = r.tid;
    s.allocations = r.allocations, s.frees = r.frees;
    s.bytes_allocated = r.bytes_allocated, s.bytes_freed = r.bytes_freed;
    s.peak_live_bytes = r.peak_live_bytes, s.bytes_at_peak = r.bytes_at_peak;
    s.temporary = r.temporary, s.mismatched = r.mismatched;
    for (uint64_t k = in.check_count<format::SizeBucketRecord>(r.histogram_count); k > 0; --k) {
      auto b = in.record<format::SizeBucketRecord>();
      if (b.bucket > 64) in.fail("size bucket out of range");
      s.size_histogram.emplace_back(static_cast<uint32_t>(b.bucket), b.count);
    }
    for (uint64_t k = in.check_count<uint64_t>(r.snapshot_count); k > 0; --k)
      s.snapshots.push_back(in.varint());
    dump.alloc.sites.push_back(std::move(s));
  }
}

void read_heap_timeline(SectionReader& in, Dump& dump) {
  auto r = in.record<format::HeapTimelineRecord>();
  format::DeltaCodec<uint64_t> ticks;
  format::DeltaCodec<int64_t> live;
  for (uint64_t i = in.check_count<format::HeapSampleRecord>(r.sample_count); i > 0; --i) {
    auto s = in.record<format::HeapSampleRecord>();
    dump.alloc.timeline.push_back({ticks.decode(s.ticks_delta), live.decode(s.live_bytes_delta)});
  }
}

void read_live_blocks(SectionReader& in, Dump& dump) {
  AllocProfile& out = dump.alloc;
  uint64_t n = in.count<format::LiveBlockRecord>();
  out.live_blocks.reserve(out.live_blocks.size() + n);
  format::DeltaCodec<uint64_t> address;
  for (uint64_t i = 0; i < n; ++i) {
    auto r = in.record<format::LiveBlockRecord>();
    if (r.site >= out.sites.size()) in.fail("live block of an unknown site");
    out.live_blocks.push_back(
        {address.decode(r.address_delta), r.size, static_cast<uint32_t>(r.site), r.kind});
  }
}

void read_leak_scan(SectionReader& in, Dump& dump) {
  AllocProfile& out = dump.alloc;
  auto r = in.record<format::LeakScanRecord>();
  out.leak_scan = {true, r.root_bytes, r.block_bytes, r.scan_ns, r.flags};
  uint64_t site = 0;
  for (uint64_t i = in.check_count<format::LeakSiteRecord>(r.site_count); i > 0; --i) {
    auto c = in.record<format::LeakSiteRecord>();
    site += c.site_delta;
    if (site >= out.sites.size()) in.fail("leak classes of an unknown site");
    LeakClasses& l = out.sites[site].leak;
    l = {{c.definite_blocks, c.indirect_blocks, c.possible_blocks, c.reachable_blocks},
         {c.definite_bytes, c.indirect_bytes, c.possible_bytes, c.reachable_bytes},
         c.startup_blocks, c.startup_bytes};
  }
}

const AllocStack* AllocProfile::stack(uint32_t id) const {
  auto it = std::lower_bound(stacks.begin(), stacks.end(), id,
                             [](const AllocStack& s, uint32_t v) { return s.id < v; });
  return it != stacks.end() && it->id == id ? &*it : nullptr;
}

}  // namespace fnprof
