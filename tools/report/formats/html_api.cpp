// The instrumentation API's part of the HTML page's data (html.cpp
// describes the rest; report_html/report.js draws it). Durations in tables
// are integer nanoseconds, like the time trees'; positions on the time axis
// are seconds since the process started, like the heap timeline's.
//
//   phases:      {bands: [[begin_seconds, duration_seconds, name, pid, tid], ...]
//                   every instance of a top-level phase, drawn behind the
//                   timeline charts;
//                 dropped}                         null without phases
//                 (the phase, counter and checkpoint tables are among the
//                 page's generic tables: html.cpp)
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
  json bands = json::array();
  for (const PhaseStats& p : api.phases)
    if (p.depth == 0)
      for (const PhaseInstance& i : p.instances)
        bands.push_back({i.begin_seconds, i.duration_seconds, p.name, i.pid, i.tid});
  return {{"bands", std::move(bands)}, {"dropped", api.dropped_phases}};
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
  if (api.resources.present) data["resources"] = resources_json(api.resources);
}

}  // namespace fnprof
