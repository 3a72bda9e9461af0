// Reads the instrumentation API's sections (format.h, "Instrumentation API
// and resource sampler") into Dump::api: phases, checkpoints, counters, the
// resource timeline and captured stacks. Deltas are undone here, so the rest
// of perf-report sees absolute ticks and cumulative values.
#include <cstring>

#include <fmt/format.h>

#include "dump/dump_reader.h"
#include "fnprof/format.h"

namespace fnprof {
namespace {

using format::Decoder;
using format::SectionType;

std::optional<std::string> read_meta(Decoder& d, uint64_t count, std::vector<MetaValue>& out) {
  // A larger count is a lie.
  if (!format::count_fits<format::MetaRecord>(count, d.remaining())) return "bad metadata count";
  for (uint64_t i = 0; i < count; ++i) {
    format::MetaRecord r;
    fields(d, r);
    if (!d.ok()) return "bad metadata";
    MetaValue v;
    v.key = static_cast<uint32_t>(r.key);
    v.type = r.type;
    v.int_value = r.int_value;
    std::memcpy(&v.float_value, &r.float_bits, sizeof v.float_value);
    v.string_value = r.string_value;
    out.push_back(std::move(v));
  }
  return std::nullopt;
}

std::optional<std::string> parse_phases(Decoder& d, ApiData& out) {
  format::PhaseThreadRecord t;
  fields(d, t);
  if (!d.ok() || !format::count_fits<format::PhaseRecord>(t.phase_count, d.remaining())) return "bad record";
  PhaseLog log;
  log.tid = t.tid;
  log.dropped = t.dropped;
  uint64_t begin = 0;
  for (uint64_t i = 0; i < t.phase_count; ++i) {
    format::PhaseRecord r;
    fields(d, r);
    if (!d.ok()) return "bad record";
    if (r.parent_delta > i) return fmt::format("phase {} has parent out of range", i);
    begin += r.begin_delta;
    ApiPhase p;
    p.name = static_cast<uint32_t>(r.name);
    p.parent = r.parent_delta ? static_cast<int64_t>(i - r.parent_delta) : -1;
    p.begin_ticks = begin;
    p.duration_ticks = r.duration_ticks;
    p.open = r.flags & format::kPhaseOpen;
    if (auto why = read_meta(d, r.meta_count, p.meta)) return why;
    if (auto why = read_meta(d, r.result_count, p.result)) return why;
    log.phases.push_back(std::move(p));
  }
  if (!d.at_end()) return "bad record";
  out.phases.push_back(std::move(log));
  return std::nullopt;
}

std::optional<std::string> parse_checkpoints(Decoder& d, ApiData& out) {
  uint64_t count = d.varint();
  if (!d.ok() || !format::count_fits<format::CheckpointRecord>(count, d.remaining())) return "bad record";
  int64_t ticks = 0;
  for (uint64_t i = 0; i < count; ++i) {
    format::CheckpointRecord r;
    fields(d, r);
    if (!d.ok()) return "bad record";
    ticks += r.ticks_delta;
    ApiCheckpoint c;
    c.ticks = static_cast<uint64_t>(ticks);
    c.tid = r.tid;
    c.name = static_cast<uint32_t>(r.name);
    if (auto why = read_meta(d, r.meta_count, c.meta)) return why;
    out.checkpoints.push_back(std::move(c));
  }
  if (!d.at_end()) return "bad record";
  return std::nullopt;
}

std::optional<std::string> parse_counters(Decoder& d, ApiData& out) {
  uint64_t count = d.varint();
  if (!d.ok() || !format::count_fits<format::CounterRecord>(count, d.remaining())) return "bad record";
  for (uint64_t i = 0; i < count; ++i) {
    format::CounterRecord r;
    fields(d, r);
    if (!d.ok()) return "bad record";
    out.counters.push_back(ApiCounter{static_cast<uint32_t>(r.name), r.kind, r.direction, r.value, r.min, r.max,
                                      r.updates});
  }
  if (!d.at_end()) return "bad record";
  return std::nullopt;
}

std::optional<std::string> parse_timeline(Decoder& d, ApiData& out) {
  format::ResourceTimelineRecord t;
  fields(d, t);
  if (!d.ok() || !format::count_fits<format::ResourceSampleRecord>(t.sample_count, d.remaining()))
    return "bad record";
  ResourceTimeline& tl = out.resources;
  tl.present = true;
  tl.interval_ns = t.interval_ns, tl.stride = t.stride, tl.sampler_cpu_ns = t.sampler_cpu_ns;
  tl.cpus = t.cpus, tl.mem_total_bytes = t.mem_total_bytes;
  ResourceSample prev;
  for (uint64_t i = 0; i < t.sample_count; ++i) {
    format::ResourceSampleRecord r;
    fields(d, r);
    if (!d.ok() || !format::count_fits<int64_t>(r.counter_count, d.remaining())) return "bad record";
    ResourceSample s;
    s.ticks = prev.ticks + r.ticks_delta;
    s.user_us = prev.user_us + r.user_us_delta;
    s.system_us = prev.system_us + r.system_us_delta;
    s.rss_bytes = prev.rss_bytes + static_cast<uint64_t>(r.rss_bytes_delta);
    s.minor_faults = prev.minor_faults + r.minor_faults_delta;
    s.major_faults = prev.major_faults + r.major_faults_delta;
    s.voluntary_switches = prev.voluntary_switches + r.voluntary_switches_delta;
    s.involuntary_switches = prev.involuntary_switches + r.involuntary_switches_delta;
    s.read_bytes = prev.read_bytes + r.read_bytes_delta;
    s.write_bytes = prev.write_bytes + r.write_bytes_delta;
    s.threads = prev.threads + static_cast<uint64_t>(r.threads_delta);
    s.system_busy_jiffies = prev.system_busy_jiffies + r.system_busy_jiffies_delta;
    s.system_total_jiffies = prev.system_total_jiffies + r.system_total_jiffies_delta;
    s.system_mem_available = prev.system_mem_available + static_cast<uint64_t>(r.system_mem_available_delta);
    for (uint64_t k = 0; k < r.counter_count; ++k) {
      int64_t delta = format::unzigzag(d.varint());
      s.counters.push_back((k < prev.counters.size() ? prev.counters[k] : 0) + delta);
    }
    if (!d.ok()) return "bad record";
    tl.samples.push_back(s);
    prev = std::move(s);
  }
  if (!d.at_end()) return "bad record";
  return std::nullopt;
}

std::optional<std::string> parse_stacks(Decoder& d, ApiData& out) {
  uint64_t count = d.varint();
  if (!d.ok() || !format::count_fits<format::CapturedStackRecord>(count, d.remaining())) return "bad record";
  for (uint64_t i = 0; i < count; ++i) {
    format::CapturedStackRecord r;
    fields(d, r);
    if (!d.ok() || !format::count_fits<int64_t>(r.frame_count, d.remaining())) return "bad record";
    ApiStack s;
    s.ticks = r.ticks, s.tid = r.tid, s.label = r.label, s.kind = r.kind, s.signal = r.signal;
    s.frames.reserve(r.frame_count);
    format::decode_frames(d, r.frame_count, [&](uint64_t f) { s.frames.push_back(f); });
    if (!d.ok()) return "bad record";
    out.stacks.push_back(std::move(s));
  }
  if (!d.at_end()) return "bad record";
  return std::nullopt;
}

std::optional<std::string> parse_strings(Decoder& d, ApiData& out) {
  uint64_t count = d.varint();
  if (!d.ok() || !format::count_fits<std::string_view>(count, d.remaining())) return "bad record";
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view s;
    d(s);
    if (!d.ok()) return "bad record";
    out.strings.emplace_back(s);
  }
  if (!d.at_end()) return "bad record";
  return std::nullopt;
}

}  // namespace

const std::string& ApiData::name(uint32_t id) const {
  static const std::string unknown = "<unknown>";
  return id < strings.size() ? strings[id] : unknown;
}

bool ApiData::empty() const {
  return phases.empty() && checkpoints.empty() && counters.empty() && !resources.present && stacks.empty();
}

std::optional<std::string> parse_api_section(uint32_t type, const uint8_t* begin, const uint8_t* end,
                                             ApiData& out) {
  Decoder d(begin, end);
  switch (static_cast<SectionType>(type)) {
    case SectionType::ApiStrings: return parse_strings(d, out);
    case SectionType::Phases: return parse_phases(d, out);
    case SectionType::Checkpoints: return parse_checkpoints(d, out);
    case SectionType::Counters: return parse_counters(d, out);
    case SectionType::ResourceTimeline:
      if (out.resources.present) return "second resource timeline";
      return parse_timeline(d, out);
    case SectionType::CapturedStacks: return parse_stacks(d, out);
    default: return std::nullopt;
  }
}

}  // namespace fnprof
