#include "model/api_profile.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "fnprof/format.h"

namespace fnprof {
namespace {

// The mean of byte counts summed as a double, back as bytes: near 2^64 the
// double can round above the largest uint64, whose conversion is undefined.
uint64_t average_bytes(double sum, size_t n) {
  const double mean = sum / static_cast<double>(n);
  return mean >= 18446744073709549568.0 ? UINT64_MAX : static_cast<uint64_t>(mean);
}

struct Clock {
  uint64_t start_ticks;
  double ticks_per_second;
  double at(uint64_t ticks) const {
    return (static_cast<double>(ticks) - static_cast<double>(start_ticks)) / ticks_per_second;
  }
  double span(uint64_t ticks) const { return static_cast<double>(ticks) / ticks_per_second; }
};

std::vector<MetaPair> meta_of(const ApiData& api, const std::vector<MetaValue>& values) {
  std::vector<MetaPair> out;
  for (const MetaValue& v : values)
    out.push_back(MetaPair{api.name(v.key), v.type, v.int_value, v.float_value, v.string_value});
  return out;
}

std::string direction_name(uint64_t direction) {
  switch (static_cast<format::CounterDirection>(direction)) {
    case format::CounterDirection::HigherIsBetter: return "higher";
    case format::CounterDirection::LowerIsBetter: return "lower";
    default: return "";
  }
}

// One sampler interval: between samples j-1 and j.
struct Interval {
  double begin, end, cpu_seconds;
  uint64_t rss;
  const ResourceSample* from;
  const ResourceSample* to;
  double mid() const { return (begin + end) / 2; }
  double wall() const { return end - begin; }
};

std::vector<Interval> intervals_of(const ResourceTimeline& tl, const Clock& clock) {
  std::vector<Interval> out;
  for (size_t j = 1; j < tl.samples.size(); ++j) {
    const ResourceSample& a = tl.samples[j - 1];
    const ResourceSample& b = tl.samples[j];
    double cpu = static_cast<double>((b.user_us + b.system_us) - (a.user_us + a.system_us)) / 1e6;
    out.push_back({clock.at(a.ticks), clock.at(b.ticks), cpu, b.rss_bytes, &a, &b});
  }
  return out;
}

// Figures over the intervals selected by `inside` (by midpoint).
template <class Inside>
ResourceUse use_of(const std::vector<Interval>& intervals, Inside inside) {
  ResourceUse u;
  double wall = 0, cpu = 0, rss_sum = 0;
  size_t n = 0;
  for (const Interval& i : intervals) {
    if (i.wall() <= 0 || !inside(i)) continue;
    u.present = true;
    wall += i.wall(), cpu += i.cpu_seconds;
    u.cpu_peak_percent = std::max(u.cpu_peak_percent, 100 * i.cpu_seconds / i.wall());
    u.rss_peak_bytes = std::max(u.rss_peak_bytes, i.rss);
    rss_sum += static_cast<double>(i.rss), ++n;
  }
  if (n) {
    u.cpu_avg_percent = 100 * cpu / wall;
    u.rss_avg_bytes = average_bytes(rss_sum, n);
    u.seconds = wall;
  }
  return u;
}

// Merged [begin, end) ranges of a phase's instances in one process.
std::vector<std::pair<double, double>> ranges_of(const PhaseStats& p, uint64_t pid) {
  std::vector<std::pair<double, double>> r;
  for (const PhaseInstance& i : p.instances)
    if (i.pid == pid) r.emplace_back(i.begin_seconds, i.begin_seconds + i.duration_seconds);
  std::sort(r.begin(), r.end());
  std::vector<std::pair<double, double>> merged;
  for (auto& x : r) {
    if (!merged.empty() && x.first <= merged.back().second) merged.back().second = std::max(merged.back().second, x.second);
    else merged.push_back(x);
  }
  return merged;
}

bool within(const std::vector<std::pair<double, double>>& ranges, double t) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), std::make_pair(t, static_cast<double>(INFINITY)));
  return it != ranges.begin() && t < std::prev(it)->second;
}

void build_phases(const std::vector<Dump>& dumps, ApiProfile& out) {
  struct Node {
    PhaseStats stats;
    std::string parent_path;
    double first = 0;  // first begin, seconds since the start of the run (across processes: absolute)
    std::vector<double> durations;
    std::vector<size_t> children;
  };
  std::vector<Node> nodes;
  std::map<std::string, size_t> by_path;
  for (const Dump& d : dumps) {
    Clock clock{d.process.start_ticks, static_cast<double>(d.process.ticks_per_second)};
    double origin = static_cast<double>(d.process.start_unix_ns) / 1e9;
    for (const PhaseLog& log : d.api.phases) {
      out.dropped_phases += log.dropped;
      std::vector<size_t> node_of(log.phases.size());
      for (size_t i = 0; i < log.phases.size(); ++i) {
        const ApiPhase& ph = log.phases[i];
        const std::string& name = d.api.name(ph.name);
        std::string parent_path = ph.parent >= 0 ? nodes[node_of[static_cast<size_t>(ph.parent)]].stats.path : "";
        std::string path = parent_path.empty() ? name : parent_path + " > " + name;
        auto [it, inserted] = by_path.try_emplace(path, nodes.size());
        if (inserted) {
          Node n;
          n.stats.name = name, n.stats.path = path;
          n.stats.depth = ph.parent >= 0 ? nodes[node_of[static_cast<size_t>(ph.parent)]].stats.depth + 1 : 0;
          n.parent_path = parent_path;
          n.first = origin + clock.at(ph.begin_ticks);
          nodes.push_back(std::move(n));
        }
        Node& n = nodes[it->second];
        node_of[i] = it->second;
        n.first = std::min(n.first, origin + clock.at(ph.begin_ticks));
        double duration = clock.span(ph.duration_ticks);
        n.durations.push_back(duration);
        n.stats.count += 1;
        n.stats.open += ph.open;
        n.stats.total_seconds += duration;
        n.stats.instances.push_back(PhaseInstance{d.process.pid, log.tid, clock.at(ph.begin_ticks), duration, ph.open,
                                                  meta_of(d.api, ph.meta), meta_of(d.api, ph.result)});
      }
    }
  }
  // Tree order: children after their parent, siblings by first begin.
  std::vector<size_t> roots;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].parent_path.empty()) roots.push_back(i);
    else nodes[by_path.at(nodes[i].parent_path)].children.push_back(i);
  }
  auto by_first = [&](size_t a, size_t b) { return nodes[a].first < nodes[b].first; };
  std::sort(roots.begin(), roots.end(), by_first);
  std::vector<size_t> stack(roots.rbegin(), roots.rend());
  while (!stack.empty()) {
    Node& n = nodes[stack.back()];
    stack.pop_back();
    std::sort(n.durations.begin(), n.durations.end());
    n.stats.min_seconds = n.durations.front();
    n.stats.max_seconds = n.durations.back();
    // Nearest rank: the smallest duration with at least 95% at or below it.
    size_t rank = static_cast<size_t>(std::ceil(0.95 * static_cast<double>(n.durations.size())));
    n.stats.p95_seconds = n.durations[rank ? rank - 1 : 0];
    std::sort(n.children.begin(), n.children.end(), by_first);
    for (auto it = n.children.rbegin(); it != n.children.rend(); ++it) stack.push_back(*it);
    out.phases.push_back(std::move(n.stats));
  }
}

void build_resources(const Dump& d, ApiProfile& out) {
  const ResourceTimeline& tl = d.api.resources;
  Clock clock{d.process.start_ticks, static_cast<double>(d.process.ticks_per_second)};
  ResourceSummary& r = out.resources;
  r.present = true;
  r.samples = tl.samples.size();
  r.interval_seconds = static_cast<double>(tl.interval_ns) / 1e9;
  r.sampler_cpu_seconds = static_cast<double>(tl.sampler_cpu_ns) / 1e9;
  double wall = clock.span(d.process.end_ticks - d.process.start_ticks);
  r.sampler_cpu_percent = wall > 0 ? 100 * r.sampler_cpu_seconds / wall : 0;
  r.system_mem_total_bytes = tl.mem_total_bytes;
  std::vector<Interval> intervals = intervals_of(tl, clock);
  r.process = use_of(intervals, [](const Interval&) { return true; });
  if (!tl.samples.empty()) {
    const ResourceSample& first = tl.samples.front();
    const ResourceSample& last = tl.samples.back();
    r.minor_faults = last.minor_faults - first.minor_faults;
    r.major_faults = last.major_faults - first.major_faults;
    r.voluntary_switches = last.voluntary_switches - first.voluntary_switches;
    r.involuntary_switches = last.involuntary_switches - first.involuntary_switches;
    r.read_bytes = last.read_bytes - first.read_bytes;
    r.write_bytes = last.write_bytes - first.write_bytes;
    double rss_sum = 0;
    for (const ResourceSample& s : tl.samples) rss_sum += static_cast<double>(s.rss_bytes);
    r.process.rss_avg_bytes = average_bytes(rss_sum, tl.samples.size());
    for (const ResourceSample& s : tl.samples) {
      r.threads_peak = std::max(r.threads_peak, s.threads);
      r.process.rss_peak_bytes = std::max(r.process.rss_peak_bytes, s.rss_bytes);
      if (tl.mem_total_bytes > s.system_mem_available)
        r.system_mem_used_peak_bytes = std::max(r.system_mem_used_peak_bytes, tl.mem_total_bytes - s.system_mem_available);
    }
  }
  uint64_t busy = 0, total = 0;
  for (const Interval& i : intervals) {
    uint64_t db = i.to->system_busy_jiffies - i.from->system_busy_jiffies;
    uint64_t dt = i.to->system_total_jiffies - i.from->system_total_jiffies;
    busy += db, total += dt;
    double sys = dt ? 100.0 * static_cast<double>(db) / static_cast<double>(dt) : 0;
    r.system_cpu_peak_percent = std::max(r.system_cpu_peak_percent, sys);
    r.timeline.push_back({i.end, i.wall() > 0 ? 100 * i.cpu_seconds / i.wall() : 0, sys, i.rss, i.to->threads,
                          i.to->counters});
  }
  r.system_cpu_avg_percent = total ? 100.0 * static_cast<double>(busy) / static_cast<double>(total) : 0;
  size_t sampled = 0;
  for (const ResourceSample& s : tl.samples) sampled = std::max(sampled, s.counters.size());
  for (size_t c = 0; c < sampled && c < d.api.counters.size(); ++c)
    r.counter_names.push_back(d.api.name(d.api.counters[c].name));

  // Per phase: resources and counter throughput over its intervals.
  for (PhaseStats& p : out.phases) {
    auto ranges = ranges_of(p, d.process.pid);
    if (ranges.empty()) continue;
    auto inside = [&](const Interval& i) { return within(ranges, i.mid()); };
    p.resources = use_of(intervals, inside);
    if (!p.resources.present) continue;
    for (size_t c = 0; c < d.api.counters.size(); ++c) {
      if (d.api.counters[c].kind != static_cast<uint64_t>(format::CounterKind::Counter)) continue;
      double moved = 0;
      bool sampled = false;
      for (const Interval& i : intervals) {
        if (!inside(i) || c >= i.to->counters.size()) continue;
        sampled = true;
        int64_t before = c < i.from->counters.size() ? i.from->counters[c] : 0;
        moved += static_cast<double>(i.to->counters[c] - before);
      }
      if (sampled && moved != 0)
        p.counter_rates.push_back({d.api.name(d.api.counters[c].name), moved / p.resources.seconds});
    }
  }
}

}  // namespace

std::string MetaPair::text() const {
  switch (static_cast<format::MetaType>(type)) {
    case format::MetaType::Int: return std::to_string(int_value);
    case format::MetaType::Float: return fmt::format("{}", float_value);
    default: return string_value;
  }
}

ApiProfile build_api_profile(const std::vector<Dump>& dumps, Symbolizer& symbolizer) {
  ApiProfile out;
  build_phases(dumps, out);
  std::map<std::string, size_t> counter_of;
  for (const Dump& d : dumps) {
    Clock clock{d.process.start_ticks, static_cast<double>(d.process.ticks_per_second)};
    double wall = clock.span(d.process.end_ticks - d.process.start_ticks);

    double previous = 0;
    std::vector<const ApiCheckpoint*> marks;
    for (const ApiCheckpoint& c : d.api.checkpoints) marks.push_back(&c);
    std::stable_sort(marks.begin(), marks.end(), [](auto* a, auto* b) { return a->ticks < b->ticks; });
    for (const ApiCheckpoint* c : marks) {
      double at = clock.at(c->ticks);
      out.checkpoints.push_back({d.api.name(c->name), d.process.pid, c->tid, at, at - previous, meta_of(d.api, c->meta)});
      previous = at;
    }

    for (const ApiCounter& c : d.api.counters) {
      bool gauge = c.kind == static_cast<uint64_t>(format::CounterKind::Gauge);
      auto [it, inserted] = counter_of.try_emplace(d.api.name(c.name) + (gauge ? "\1g" : ""), out.counters.size());
      if (inserted) {
        CounterRow row;
        row.name = d.api.name(c.name), row.gauge = gauge, row.direction = direction_name(c.direction);
        row.min = c.min, row.max = c.max;
        out.counters.push_back(row);
      }
      CounterRow& row = out.counters[it->second];
      if (gauge) {
        row.value = c.value;
        if (c.updates) row.min = std::min(row.min, c.min), row.max = std::max(row.max, c.max);
      } else {
        row.value += c.value;
        if (wall > 0) row.per_second += static_cast<double>(c.value) / wall;
      }
      row.updates += c.updates;
    }

    if (d.api.resources.present && !out.resources.present) build_resources(d, out);

    for (const ApiStack& s : d.api.stacks) {
      CapturedStackRow row{s.label, d.process.pid, s.tid, s.signal, clock.at(s.ticks), {}};
      bool leading = true;
      for (uint64_t address : s.frames) {
        const Module* module = d.module_of(address);
        if (s.kind == static_cast<uint64_t>(format::StackKind::FunctionEntries)) {
          row.frames.push_back(symbolizer.function_at(module, address));
          continue;
        }
        // The unwinder starts inside the runtime, then in fnprof.h's inline
        // wrapper: neither is the program's.
        if (leading && module && std::filesystem::path(module->path).filename() == "libfnprof.so") continue;
        for (const Frame& f : symbolizer.frames_at(module, address - 1)) {
          if (leading && f.function.starts_with("fnprof_")) continue;
          leading = false;
          row.frames.push_back(f);
        }
      }
      out.stacks.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace fnprof
