// The instrumentation API's part of the HTML page's data (html.cpp
// describes the rest; report_html/report.js draws it). Durations in tables
// are integer nanoseconds, like the time trees'; positions on the time axis
// are seconds since the process started, like the heap timeline's.
//
//   phases:      {rows: [{name, path, depth, count, open, total_ns, avg_ns,
//                         min_ns, max_ns, p95_ns, cpu_avg, cpu_peak,
//                         rss_peak}, ...]
//                   depth-first as in the text report; cpu_* (percent of one
//                   CPU) and rss_peak (bytes) null when no sampler interval
//                   fell inside the phase;
//                 bands: [[begin_seconds, duration_seconds, name, pid, tid], ...]
//                   every instance of a top-level phase, drawn behind the
//                   timeline charts;
//                 rates: [[path, counter, per_second], ...]
//                   counter throughput during phases;
//                 dropped}                         null without phases
//   checkpoints: [[name, pid, tid, at_ns, since_previous_ns, metadata], ...]
//                   metadata as an object, {"n": 4}; null without any
//   counters:    [{name, kind, direction, value, per_second, min, max,
//                  updates}, ...]                   null without any
//   resources:   {samples, interval_ns, sampler_cpu_percent, cpu_avg,
//                 cpu_peak, rss_avg, rss_peak, threads_peak,
//                 timeline: [[seconds, cpu_percent, rss_bytes, threads], ...]}
//                   the sampler's process CPU (percent of one CPU) and RSS;
//                   null without the sampler
#include <cmath>
#include <nlohmann/json.hpp>

#include "report/formats/api_report.h"

namespace fnprof {
namespace {

using nlohmann::json;

int64_t ns(double seconds) { return std::llround(seconds * 1e9); }

json phases_json(const ApiProfile& api) {
  json rows = json::array(), bands = json::array(), rates = json::array();
  for (const PhaseStats& p : api.phases) {
    const ResourceUse& u = p.resources;
    rows.push_back({{"name", p.name},
                    {"path", p.path},
                    {"depth", p.depth},
                    {"count", p.count},
                    {"open", p.open},
                    {"total_ns", ns(p.total_seconds)},
                    {"avg_ns", ns(p.avg_seconds())},
                    {"min_ns", ns(p.min_seconds)},
                    {"max_ns", ns(p.max_seconds)},
                    {"p95_ns", ns(p.p95_seconds)},
                    {"cpu_avg", u.present ? json(u.cpu_avg_percent) : json(nullptr)},
                    {"cpu_peak", u.present ? json(u.cpu_peak_percent) : json(nullptr)},
                    {"rss_peak", u.present ? json(u.rss_peak_bytes) : json(nullptr)}});
    if (p.depth == 0)
      for (const PhaseInstance& i : p.instances)
        bands.push_back({i.begin_seconds, i.duration_seconds, p.name, i.pid, i.tid});
    for (const CounterRate& r : p.counter_rates) rates.push_back({p.path, r.counter, r.per_second});
  }
  return {{"rows", std::move(rows)},
          {"bands", std::move(bands)},
          {"rates", std::move(rates)},
          {"dropped", api.dropped_phases}};
}

json resources_json(const ResourceSummary& r) {
  json timeline = json::array();
  for (const ResourceSummary::Point& p : r.timeline)
    timeline.push_back({p.at_seconds, p.cpu_percent, p.rss_bytes, p.threads});
  return {{"samples", r.samples},
          {"interval_ns", ns(r.interval_seconds)},
          {"sampler_cpu_percent", r.sampler_cpu_percent},
          {"cpu_avg", r.process.cpu_avg_percent},
          {"cpu_peak", r.process.cpu_peak_percent},
          {"rss_avg", r.process.rss_avg_bytes},
          {"rss_peak", r.process.rss_peak_bytes},
          {"threads_peak", r.threads_peak},
          {"timeline", std::move(timeline)}};
}

}  // namespace

void add_api_html_data(json& data, const Profile& profile) {
  const ApiProfile& api = profile.api;
  if (!api.phases.empty()) data["phases"] = phases_json(api);
  if (!api.checkpoints.empty()) {
    json checkpoints = json::array();
    for (const CheckpointRow& c : api.checkpoints)
      checkpoints.push_back(
          {c.name, c.pid, c.tid, ns(c.at_seconds), ns(c.since_previous_seconds), meta_json(c.meta)});
    data["checkpoints"] = std::move(checkpoints);
  }
  if (!api.counters.empty()) {
    json counters = json::array();
    for (const CounterRow& c : api.counters)
      counters.push_back({{"name", c.name},
                          {"kind", c.gauge ? "gauge" : "counter"},
                          {"direction", c.direction},
                          {"value", c.value},
                          {"per_second", c.per_second},
                          {"min", c.min},
                          {"max", c.max},
                          {"updates", c.updates}});
    data["counters"] = std::move(counters);
  }
  if (api.resources.present) data["resources"] = resources_json(api.resources);
}

}  // namespace fnprof
