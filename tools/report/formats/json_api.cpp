// The instrumentation API in the JSON report: every phase instance with its
// metadata, checkpoints, the resource timeline and captured stacks (the
// counters come as a table: json.cpp).
#include <nlohmann/json.hpp>

#include "report/formats/api_report.h"
#include "fnprof/format.h"

namespace fnprof {
namespace {

using nlohmann::json;

json use_json(const ResourceUse& u) {
  if (!u.present) return nullptr;
  return {{"cpu_avg_percent", u.cpu_avg_percent}, {"cpu_peak_percent", u.cpu_peak_percent},
          {"rss_avg_bytes", u.rss_avg_bytes},     {"rss_peak_bytes", u.rss_peak_bytes},
          {"seconds", u.seconds}};
}

}  // namespace

nlohmann::json meta_json(const std::vector<MetaPair>& meta) {
  json j = json::object();
  for (const MetaPair& m : meta) {
    switch (static_cast<format::MetaType>(m.type)) {
      case format::MetaType::Int: j[m.key] = m.int_value; break;
      case format::MetaType::Float: j[m.key] = m.float_value; break;
      default: j[m.key] = m.string_value; break;
    }
  }
  return j;
}


void add_api_json(json& report, const Profile& profile) {
  const ApiProfile& api = profile.api;
  json phases = json::array();
  for (const PhaseStats& p : api.phases) {
    json instances = json::array();
    for (const PhaseInstance& i : p.instances)
      instances.push_back({{"pid", i.pid}, {"tid", i.tid}, {"begin_seconds", i.begin_seconds},
                           {"duration_seconds", i.duration_seconds}, {"open", i.open},
                           {"metadata", meta_json(i.meta)}, {"result", meta_json(i.result)}});
    json rates = json::object();
    for (const CounterRate& r : p.counter_rates) rates[r.counter] = r.per_second;
    phases.push_back({{"name", p.name}, {"path", p.path}, {"depth", p.depth}, {"count", p.count},
                      {"open", p.open}, {"total_seconds", p.total_seconds}, {"avg_seconds", p.avg_seconds()},
                      {"min_seconds", p.min_seconds}, {"max_seconds", p.max_seconds},
                      {"p95_seconds", p.p95_seconds}, {"resources", use_json(p.resources)},
                      {"counter_rates_per_second", rates}, {"instances", instances}});
  }
  report["phases"] = phases;
  report["dropped_phases"] = api.dropped_phases;

  json checkpoints = json::array();
  for (const CheckpointRow& c : api.checkpoints)
    checkpoints.push_back({{"name", c.name}, {"pid", c.pid}, {"tid", c.tid}, {"at_seconds", c.at_seconds},
                           {"since_previous_seconds", c.since_previous_seconds}, {"metadata", meta_json(c.meta)}});
  report["checkpoints"] = checkpoints;

  const ResourceSummary& r = api.resources;
  if (r.present) {
    json timeline = json::array();
    for (const auto& p : r.timeline)
      timeline.push_back({{"at_seconds", p.at_seconds}, {"cpu_percent", p.cpu_percent},
                          {"system_cpu_percent", p.system_cpu_percent}, {"rss_bytes", p.rss_bytes},
                          {"threads", p.threads}});
    report["resources"] = {
        {"samples", r.samples}, {"interval_seconds", r.interval_seconds},
        {"sampler_cpu_seconds", r.sampler_cpu_seconds}, {"sampler_cpu_percent", r.sampler_cpu_percent},
        {"process", use_json(r.process)}, {"minor_faults", r.minor_faults}, {"major_faults", r.major_faults},
        {"voluntary_switches", r.voluntary_switches}, {"involuntary_switches", r.involuntary_switches},
        {"read_bytes", r.read_bytes}, {"write_bytes", r.write_bytes}, {"threads_peak", r.threads_peak},
        {"system_cpu_avg_percent", r.system_cpu_avg_percent}, {"system_cpu_peak_percent", r.system_cpu_peak_percent},
        {"system_mem_total_bytes", r.system_mem_total_bytes},
        {"system_mem_used_peak_bytes", r.system_mem_used_peak_bytes}, {"timeline", timeline}};
  } else {
    report["resources"] = nullptr;
  }

  json stacks = json::array();
  for (const CapturedStackRow& s : api.stacks) {
    json frames = json::array();
    for (const Frame& f : s.frames) frames.push_back({{"function", f.function}, {"file", f.file}, {"line", f.line}});
    stacks.push_back({{"label", s.label}, {"pid", s.pid}, {"tid", s.tid}, {"signal", s.signal},
                      {"at_seconds", s.at_seconds}, {"frames", frames}});
  }
  report["captured_stacks"] = stacks;
}

}  // namespace fnprof
