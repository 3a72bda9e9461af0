// Reads the allocation tracker's sections (format.h: alloc-stacks,
// alloc-summary, alloc-sites, heap-timeline, live-blocks) into
// Dump::alloc. The section loop in dump_reader.cpp hands every section type
// it does not know itself to parse_alloc_section().
#include <algorithm>

#include "dump/dump_reader.h"
#include "fnprof/format.h"

namespace fnprof {

namespace {

using format::Decoder;

struct Malformed {
  std::string why;
};

void check(const Decoder& d, const char* what = "bad record") {
  if (!d.ok()) throw Malformed{what};
}

// A count that claims more items than the bytes left can hold is a lie,
// caught before it becomes a huge allocation.
template <class Item>
uint64_t count(Decoder& d) {
  uint64_t n = d.varint();
  check(d);
  if (!format::count_fits<Item>(n, d.remaining())) throw Malformed{"count larger than the section"};
  return n;
}

void parse_stacks(Decoder& d, AllocProfile& out) {
  uint64_t n = count<format::StackRecord>(d);
  uint64_t id = 0;
  for (uint64_t i = 0; i < n; ++i) {
    format::StackRecord r;
    fields(d, r);
    check(d);
    if ((i > 0 && r.id_delta == 0) || id + r.id_delta > UINT32_MAX) throw Malformed{"stack ids out of order"};
    id += r.id_delta;
    if (!format::count_fits<int64_t>(r.frame_count, d.remaining())) throw Malformed{"frame count larger than the section"};
    AllocStack s;
    s.id = static_cast<uint32_t>(id);
    s.kind = r.kind;
    s.frames.reserve(r.frame_count);
    format::decode_frames(d, r.frame_count, [&](uint64_t f) { s.frames.push_back(f); });
    check(d);
    if (!out.stacks.empty() && out.stacks.back().id >= s.id) throw Malformed{"stack ids out of order"};
    out.stacks.push_back(std::move(s));
  }
}

void parse_summary(Decoder& d, AllocProfile& out) {
  format::AllocSummaryRecord r;
  fields(d, r);
  check(d);
  if (out.present) throw Malformed{"second alloc-summary section"};
  out.present = true;
  out.summary = AllocSummary{r.allocations, r.frees, r.bytes_allocated, r.bytes_freed,
                             r.live_blocks, r.live_bytes, r.peak_live_bytes, r.peak_ticks,
                             r.temporary, r.mismatched, r.untracked_frees, r.stack_mode,
                             r.stack_depth, r.sample_interval_ns, r.snapshot_stride, r.flags};
}

void parse_sites(Decoder& d, AllocProfile& out) {
  uint64_t n = count<format::AllocSiteRecord>(d);
  for (uint64_t i = 0; i < n; ++i) {
    format::AllocSiteRecord r;
    fields(d, r);
    check(d);
    if (r.histogram_count > 65 || !format::count_fits<uint64_t>(r.snapshot_count, d.remaining())) throw Malformed{"bad site record"};
    if (r.stack_id > UINT32_MAX) throw Malformed{"site stack id out of range"};
    AllocSite s;
    s.stack_id = static_cast<uint32_t>(r.stack_id);
    s.tid = r.tid;
    s.allocations = r.allocations, s.frees = r.frees;
    s.bytes_allocated = r.bytes_allocated, s.bytes_freed = r.bytes_freed;
    s.peak_live_bytes = r.peak_live_bytes, s.bytes_at_peak = r.bytes_at_peak;
    s.temporary = r.temporary, s.mismatched = r.mismatched;
    for (uint64_t k = 0; k < r.histogram_count; ++k) {
      format::SizeBucketRecord b;
      fields(d, b);
      check(d);
      if (b.bucket > 64) throw Malformed{"size bucket out of range"};
      s.size_histogram.emplace_back(static_cast<uint32_t>(b.bucket), b.count);
    }
    for (uint64_t k = 0; k < r.snapshot_count; ++k) s.snapshots.push_back(d.varint());
    check(d);
    out.sites.push_back(std::move(s));
  }
}

void parse_timeline(Decoder& d, AllocProfile& out) {
  format::HeapTimelineRecord r;
  fields(d, r);
  check(d);
  if (!format::count_fits<format::HeapSampleRecord>(r.sample_count, d.remaining())) throw Malformed{"count larger than the section"};
  format::DeltaCodec<uint64_t> ticks;
  format::DeltaCodec<int64_t> live;
  for (uint64_t i = 0; i < r.sample_count; ++i) {
    format::HeapSampleRecord s;
    fields(d, s);
    check(d);
    out.timeline.push_back({ticks.decode(s.ticks_delta), live.decode(s.live_bytes_delta)});
  }
}

void parse_live_blocks(Decoder& d, AllocProfile& out) {
  uint64_t n = count<format::LiveBlockRecord>(d);
  out.live_blocks.reserve(out.live_blocks.size() + n);
  format::DeltaCodec<uint64_t> address;
  for (uint64_t i = 0; i < n; ++i) {
    format::LiveBlockRecord r;
    fields(d, r);
    check(d);
    if (r.site >= out.sites.size()) throw Malformed{"live block of an unknown site"};
    out.live_blocks.push_back({address.decode(r.address_delta), r.size, static_cast<uint32_t>(r.site), r.kind});
  }
}

}  // namespace

const AllocStack* AllocProfile::stack(uint32_t id) const {
  auto it = std::lower_bound(stacks.begin(), stacks.end(), id,
                             [](const AllocStack& s, uint32_t v) { return s.id < v; });
  return it != stacks.end() && it->id == id ? &*it : nullptr;
}

std::optional<std::string> parse_alloc_section(uint32_t type, const uint8_t* begin, const uint8_t* end,
                                               AllocProfile& out) {
  using format::SectionType;
  Decoder d(begin, end);
  try {
    switch (static_cast<SectionType>(type)) {
      case SectionType::AllocStacks: parse_stacks(d, out); break;
      case SectionType::AllocSummary: parse_summary(d, out); break;
      case SectionType::AllocSites: parse_sites(d, out); break;
      case SectionType::HeapTimeline: parse_timeline(d, out); break;
      case SectionType::LiveBlocks: parse_live_blocks(d, out); break;
      default: return std::nullopt;
    }
  } catch (const Malformed& m) {
    return m.why;
  }
  if (!d.at_end()) return std::string("bad record");
  return std::nullopt;
}

}  // namespace fnprof
