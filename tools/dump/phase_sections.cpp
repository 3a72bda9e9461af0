// Reads the instrumentation API's sections (format.h, "Instrumentation API
// and resource sampler") into Dump::api: phases, checkpoints, counters, the
// resource timeline, captured stacks and the strings they name. Deltas are
// undone here, so the rest of perf-report sees absolute ticks and cumulative
// values. dump_reader.cpp's table of parsers calls these.
#include <cstring>

#include <fmt/format.h>

#include "dump/dump_reader.h"
#include "dump/section_reader.h"
#include "fnprof/format.h"

namespace fnprof {
namespace {

void read_meta(SectionReader& in, uint64_t count, std::vector<MetaValue>& out) {
  for (uint64_t i = in.check_count<format::MetaRecord>(count); i > 0; --i) {
    auto r = in.record<format::MetaRecord>();
    MetaValue v;
    v.key = static_cast<uint32_t>(r.key);
    v.type = r.type;
    v.int_value = r.int_value;
    std::memcpy(&v.float_value, &r.float_bits, sizeof v.float_value);
    v.string_value = r.string_value;
    out.push_back(std::move(v));
  }
}

}  // namespace

void read_phases(SectionReader& in, Dump& dump) {
  auto t = in.record<format::PhaseThreadRecord>();
  PhaseLog log;
  log.tid = t.tid;
  log.dropped = t.dropped;
  format::DeltaCodec<uint64_t> begin;
  for (uint64_t i = 0, n = in.check_count<format::PhaseRecord>(t.phase_count); i < n; ++i) {
    auto r = in.record<format::PhaseRecord>();
    if (r.parent_delta > i) in.fail(fmt::format("phase {} has parent out of range", i));
    ApiPhase p;
    p.name = static_cast<uint32_t>(r.name);
    p.parent = r.parent_delta ? static_cast<int64_t>(i - r.parent_delta) : -1;
    p.begin_ticks = begin.decode(r.begin_delta);
    p.duration_ticks = r.duration_ticks;
    p.open = r.flags & format::kPhaseOpen;
    read_meta(in, r.meta_count, p.meta);
    read_meta(in, r.result_count, p.result);
    log.phases.push_back(std::move(p));
  }
  dump.api.phases.push_back(std::move(log));
}

void read_checkpoints(SectionReader& in, Dump& dump) {
  format::DeltaCodec<int64_t> ticks;
  for (uint64_t i = in.count<format::CheckpointRecord>(); i > 0; --i) {
    auto r = in.record<format::CheckpointRecord>();
    ApiCheckpoint c;
    c.ticks = ticks.decode(r.ticks_delta);
    c.tid = r.tid;
    c.name = static_cast<uint32_t>(r.name);
    read_meta(in, r.meta_count, c.meta);
    dump.api.checkpoints.push_back(std::move(c));
  }
}

void read_counters(SectionReader& in, Dump& dump) {
  for (uint64_t i = in.count<format::CounterRecord>(); i > 0; --i) {
    auto r = in.record<format::CounterRecord>();
    dump.api.counters.push_back(ApiCounter{static_cast<uint32_t>(r.name), r.kind, r.direction, r.value, r.min,
                                           r.max, r.updates});
  }
}

void read_resource_timeline(SectionReader& in, Dump& dump) {
  auto t = in.record<format::ResourceTimelineRecord>();
  ResourceTimeline& tl = dump.api.resources;
  tl.present = true;
  tl.interval_ns = t.interval_ns, tl.stride = t.stride, tl.sampler_cpu_ns = t.sampler_cpu_ns;
  tl.cpus = t.cpus, tl.mem_total_bytes = t.mem_total_bytes;
  ResourceSample prev;
  // The signed deltas (RSS, threads, available memory, counters) must keep
  // their value in range: a crafted dump would otherwise wrap it (an RSS of
  // 16 EiB) or overflow a counter.
  auto plus = [&](uint64_t value, int64_t delta) {
    uint64_t out;
    bool wrapped = delta < 0 ? __builtin_sub_overflow(value, static_cast<uint64_t>(-(delta + 1)) + 1, &out)
                             : __builtin_add_overflow(value, static_cast<uint64_t>(delta), &out);
    if (wrapped) in.fail("resource sample out of range");
    return out;
  };
  for (uint64_t i = in.check_count<format::ResourceSampleRecord>(t.sample_count); i > 0; --i) {
    auto r = in.record<format::ResourceSampleRecord>();
    ResourceSample s;
    s.ticks = prev.ticks + r.ticks_delta;
    s.user_us = prev.user_us + r.user_us_delta;
    s.system_us = prev.system_us + r.system_us_delta;
    s.rss_bytes = plus(prev.rss_bytes, r.rss_bytes_delta);
    s.minor_faults = prev.minor_faults + r.minor_faults_delta;
    s.major_faults = prev.major_faults + r.major_faults_delta;
    s.voluntary_switches = prev.voluntary_switches + r.voluntary_switches_delta;
    s.involuntary_switches = prev.involuntary_switches + r.involuntary_switches_delta;
    s.read_bytes = prev.read_bytes + r.read_bytes_delta;
    s.write_bytes = prev.write_bytes + r.write_bytes_delta;
    s.threads = plus(prev.threads, r.threads_delta);
    s.system_busy_jiffies = prev.system_busy_jiffies + r.system_busy_jiffies_delta;
    s.system_total_jiffies = prev.system_total_jiffies + r.system_total_jiffies_delta;
    s.system_mem_available = plus(prev.system_mem_available, r.system_mem_available_delta);
    for (uint64_t k = 0, n = in.check_count<int64_t>(r.counter_count); k < n; ++k) {
      int64_t delta = format::unzigzag(in.varint()), value;
      if (__builtin_add_overflow(k < prev.counters.size() ? prev.counters[k] : 0, delta, &value))
        in.fail("resource sample out of range");
      s.counters.push_back(value);
    }
    tl.samples.push_back(s);
    prev = std::move(s);
  }
}

void read_captured_stacks(SectionReader& in, Dump& dump) {
  for (uint64_t i = in.count<format::CapturedStackRecord>(); i > 0; --i) {
    auto r = in.record<format::CapturedStackRecord>();
    ApiStack s;
    s.ticks = r.ticks, s.tid = r.tid, s.label = r.label, s.kind = r.kind, s.signal = r.signal;
    in.frames(r.frame_count, [&](uint64_t f) { s.frames.push_back(f); });
    dump.api.stacks.push_back(std::move(s));
  }
}

void read_api_strings(SectionReader& in, Dump& dump) {
  for (uint64_t i = in.count<std::string_view>(); i > 0; --i) dump.api.strings.emplace_back(in.string());
}

const std::string& ApiData::name(uint32_t id) const {
  static const std::string unknown = "<unknown>";
  return id < strings.size() ? strings[id] : unknown;
}

bool ApiData::empty() const {
  return phases.empty() && checkpoints.empty() && counters.empty() && !resources.present && stacks.empty();
}

}  // namespace fnprof
