// Adds dumps into one; see dump_sum.h.
#include "dump/dump_sum.h"

#include <algorithm>

#include "fnprof/format.h"

namespace fnprof {
namespace {

constexpr uint64_t kModuleAlignment = 1 << 21;

// Adds a node's durations, their ticks scaled to the sum's clock: exact
// (bucket for bucket) when the clocks agree, else each bucket moves whole to
// the bucket of its middle.
void add_durations(CallDurations& into, const CallDurations& from, long double scale) {
  auto scaled = [&](uint64_t t) { return static_cast<uint64_t>(static_cast<long double>(t) * scale + 0.5L); };
  bool had = !into.buckets.empty();
  uint64_t lo = scaled(from.min_ticks), hi = scaled(from.max_ticks);
  if (from.buckets.empty()) return;
  into.min_ticks = had ? std::min(into.min_ticks, lo) : lo;
  into.max_ticks = had ? std::max(into.max_ticks, hi) : hi;
  for (uint32_t b = 0; b < from.buckets.size(); ++b) {
    if (!from.buckets[b]) continue;
    uint32_t to = b;
    if (scale != 1.0L && b + 1 < format::kDurationBuckets) {
      long double middle = (static_cast<long double>(format::duration_bucket_floor(b)) +
                            static_cast<long double>(format::duration_bucket_end(b))) / 2;
      to = format::duration_bucket(static_cast<uint64_t>(middle * scale));
    }
    if (into.buckets.size() <= to) into.buckets.resize(to + 1, 0);
    into.buckets[to] += from.buckets[b];
  }
}

}  // namespace

uint64_t DumpSum::ticks(uint64_t t, uint64_t ticks_per_second) const {
  uint64_t to = sum_.process.ticks_per_second;
  if (ticks_per_second == to) return t;
  return static_cast<uint64_t>(static_cast<long double>(t) * to / ticks_per_second + 0.5L);
}

// Each distinct module keeps the place it had where it was first seen,
// unless an earlier module took that range: then it goes above them all.
std::vector<DumpSum::Place> DumpSum::places(const Dump& dump) {
  std::vector<Place> out;
  for (const Module& m : dump.modules) {
    auto [it, added] = modules_.try_emplace({m.path, m.build_id}, sum_.modules.size());
    if (added) {
      Module placed = m;
      uint64_t top = 0;
      bool overlaps = false;
      for (const Module& o : sum_.modules) {
        top = std::max(top, o.hi);
        overlaps = overlaps || (m.lo < o.hi && o.lo < m.hi);
      }
      if (overlaps) {
        uint64_t lo = (top + kModuleAlignment - 1) / kModuleAlignment * kModuleAlignment;
        placed.lo = lo, placed.hi = lo + (m.hi - m.lo), placed.bias = m.bias + (lo - m.lo);
      }
      sum_.modules.push_back(std::move(placed));
    }
    const Module& placed = sum_.modules[it->second];
    out.push_back({m.lo, m.hi, placed.lo - m.lo});
  }
  return out;
}

// The module that held `address` is the last one covering it
// (Dump::module_of); an address outside every module stays as it is.
uint64_t DumpSum::moved(const std::vector<Place>& places, uint64_t address) {
  for (auto it = places.rbegin(); it != places.rend(); ++it)
    if (it->lo <= address && address < it->hi) return address + it->delta;
  return address;
}

size_t DumpSum::thread_index(const std::string& name, size_t ordinal, uint64_t tid) {
  auto [it, added] = threads_.try_emplace({name, ordinal}, sum_.threads.size());
  if (added) {
    // Its first tid, unless another thread of the sum has it.
    while (used_tids_.count(tid)) ++tid;
    used_tids_.insert(tid);
    Thread& t = sum_.threads.emplace_back();
    t.tid = tid, t.name = name;
    t.nodes.resize(1);
    children_.emplace_back();
  }
  return it->second;
}

// A tid that no thread section of its dump names is matched by its order
// among such tids.
uint64_t DumpSum::tid_of(Tids& tids, uint64_t tid) {
  auto it = tids.of.find(tid);
  if (it != tids.of.end()) return it->second;
  if (tids.unnamed == unnamed_tids_.size()) {
    uint64_t out = tid;
    while (used_tids_.count(out)) ++out;
    used_tids_.insert(out);
    unnamed_tids_.push_back(out);
  }
  return tids.of[tid] = unnamed_tids_[tids.unnamed++];
}

void DumpSum::add_threads(const Dump& dump, const std::vector<Place>& places, Tids& tids) {
  const uint64_t tps = dump.process.ticks_per_second;
  std::map<std::string, size_t> ordinals;
  std::unordered_map<uint64_t, uint64_t> moved_address;
  const long double scale = static_cast<long double>(sum_.process.ticks_per_second) / tps;
  for (const Thread& in : dump.threads) {
    size_t index = thread_index(in.name, ordinals[in.name]++, in.tid);
    Thread& out = sum_.threads[index];
    tids.of[in.tid] = out.tid;
    out.end_ticks += ticks(in.end_ticks - in.start_ticks, tps);
    out.flags |= in.flags;
    if (in.cpu_ns) out.cpu_ns = out.cpu_ns.value_or(0) + *in.cpu_ns;
    auto& children = children_[index];
    std::vector<uint32_t> node_of(in.nodes.size(), 0);
    for (size_t i = 1; i < in.nodes.size(); ++i) {
      const CallNode& n = in.nodes[i];
      auto [m, first] = moved_address.try_emplace(n.func, 0);
      if (first) m->second = moved(places, n.func);
      auto [c, added] = children.try_emplace({node_of[n.parent], m->second}, static_cast<uint32_t>(out.nodes.size()));
      if (added) out.nodes.push_back(CallNode{node_of[n.parent], m->second, 0, 0});
      node_of[i] = c->second;
      out.nodes[c->second].calls += n.calls;
      out.nodes[c->second].incl_ticks += ticks(n.incl_ticks, tps);
      if (!in.durations.empty()) {
        out.durations.resize(out.nodes.size());
        add_durations(out.durations[c->second], in.durations[i], scale);
      }
    }
  }
}

void DumpSum::add_alloc(const Dump& dump, const std::vector<Place>& places, Tids& tids) {
  const AllocProfile& in = dump.alloc;
  if (!in.present) return;
  AllocProfile& out = sum_.alloc;
  const AllocSummary& s = in.summary;
  AllocSummary& t = out.summary;
  if (!out.present) {
    t.stack_mode = s.stack_mode, t.stack_depth = s.stack_depth, t.sample_interval_ns = s.sample_interval_ns;
    t.snapshot_stride = 1;
  }
  out.present = true;
  t.allocations += s.allocations, t.frees += s.frees;
  t.bytes_allocated += s.bytes_allocated, t.bytes_freed += s.bytes_freed;
  t.live_blocks += s.live_blocks, t.live_bytes += s.live_bytes;
  t.peak_live_bytes += s.peak_live_bytes;
  t.temporary += s.temporary, t.mismatched += s.mismatched, t.untracked_frees += s.untracked_frees;
  t.flags |= s.flags;
  if (in.leak_scan.present) {
    // A sum of scans: flags that every scan had (main entered), or any had
    // (incomplete).
    LeakScanInfo& l = out.leak_scan;
    const LeakScanInfo& r = in.leak_scan;
    uint64_t entered = (l.present ? l.flags : r.flags) & r.flags & format::kLeakScanMainEntered;
    l.flags = entered | ((l.flags | r.flags) & format::kLeakScanIncomplete);
    l.present = true;
    l.root_bytes += r.root_bytes, l.block_bytes += r.block_bytes, l.scan_ns += r.scan_ns;
  }

  // Stack 0 of the sum is none: a site whose stack its dump lacks.
  std::unordered_map<uint32_t, uint32_t> stack_of;
  for (const AllocStack& stack : in.stacks) {
    std::vector<uint64_t> frames;
    for (uint64_t f : stack.frames) frames.push_back(moved(places, f));
    auto [it, added] = stacks_.try_emplace({stack.kind, frames}, static_cast<uint32_t>(out.stacks.size() + 1));
    if (added) out.stacks.push_back(AllocStack{it->second, stack.kind, std::move(frames)});
    stack_of[stack.id] = it->second;
  }
  for (const AllocSite& site : in.sites) {
    auto known = stack_of.find(site.stack_id);
    uint32_t stack = known == stack_of.end() ? 0 : known->second;
    uint64_t tid = tid_of(tids, site.tid);
    auto [it, added] = sites_.try_emplace({stack, tid}, out.sites.size());
    if (added) {
      AllocSite& fresh = out.sites.emplace_back();
      fresh.stack_id = stack, fresh.tid = tid;
    }
    AllocSite& o = out.sites[it->second];
    o.allocations += site.allocations, o.frees += site.frees;
    o.bytes_allocated += site.bytes_allocated, o.bytes_freed += site.bytes_freed;
    o.peak_live_bytes += site.peak_live_bytes, o.bytes_at_peak += site.bytes_at_peak;
    o.temporary += site.temporary, o.mismatched += site.mismatched;
    o.leak.add(site.leak);
    for (const auto& bucket : site.size_histogram) {
      auto b = std::find_if(o.size_histogram.begin(), o.size_histogram.end(),
                            [&](const auto& x) { return x.first == bucket.first; });
      if (b == o.size_histogram.end()) o.size_histogram.push_back(bucket);
      else b->second += bucket.second;
    }
  }
}

uint32_t DumpSum::string_id(const std::string& s) {
  auto [it, added] = strings_.try_emplace(s, static_cast<uint32_t>(sum_.api.strings.size()));
  if (added) sum_.api.strings.push_back(s);
  return it->second;
}

void DumpSum::add_api(const Dump& dump, Tids& tids) {
  const ApiData& in = dump.api;
  ApiData& out = sum_.api;
  for (const ApiCounter& c : in.counters) {
    uint32_t name = string_id(in.name(c.name));
    auto [it, added] = counters_.try_emplace(name, out.counters.size());
    if (added) out.counters.push_back(ApiCounter{name, c.kind, c.direction, 0, c.min, c.max, 0});
    ApiCounter& o = out.counters[it->second];
    bool gauge = c.kind == static_cast<uint64_t>(format::CounterKind::Gauge);
    o.value = gauge ? c.value : o.value + c.value;
    o.min = std::min(o.min, c.min), o.max = std::max(o.max, c.max);
    o.updates += c.updates;
  }
  const uint64_t tps = dump.process.ticks_per_second;
  for (const PhaseLog& log : in.phases) {
    uint64_t tid = tid_of(tids, log.tid);
    auto [l, added] = phase_logs_.try_emplace(tid, out.phases.size());
    if (added) out.phases.push_back(PhaseLog{tid, 0, {}});
    PhaseLog& o = out.phases[l->second];
    o.dropped += log.dropped;
    std::vector<int64_t> phase_of(log.phases.size(), -1);
    for (size_t i = 0; i < log.phases.size(); ++i) {
      const ApiPhase& p = log.phases[i];
      int64_t parent = p.parent < 0 ? -1 : phase_of[static_cast<size_t>(p.parent)];
      auto [it, fresh] = phases_.try_emplace({l->second, {parent, string_id(in.name(p.name))}}, o.phases.size());
      if (fresh) {
        // Phases stay in begin order: a path first seen in a later run
        // begins no earlier than the last one.
        uint64_t start = dump.process.start_ticks;
        uint64_t begin = ticks(p.begin_ticks > start ? p.begin_ticks - start : 0, tps);
        if (!o.phases.empty()) begin = std::max(begin, o.phases.back().begin_ticks);
        o.phases.push_back(ApiPhase{it->first.second.second, parent, begin, 0, false, {}, {}});
      }
      phase_of[i] = static_cast<int64_t>(it->second);
      ApiPhase& q = o.phases[it->second];
      q.duration_ticks += ticks(p.duration_ticks, tps);
      q.open = q.open || p.open;
    }
  }
}

void DumpSum::add(const Dump& dump) {
  const ProcessInfo& p = dump.process;
  ProcessInfo& out = sum_.process;
  if (first_) {
    first_ = false;
    sum_.path = dump.path;
    out = p;
    out.ppid = 0;
    out.start_ticks = out.end_ticks = 0;
    out.reason = static_cast<uint64_t>(format::DumpReason::Exit), out.signal = 0;
  }
  out.start_unix_ns = std::min(out.start_unix_ns, p.start_unix_ns);
  out.end_ticks += ticks(p.end_ticks - p.start_ticks, p.ticks_per_second);
  // One process that did not exit makes the sum's live blocks more than leaks.
  if (out.reason == static_cast<uint64_t>(format::DumpReason::Exit)) out.reason = p.reason, out.signal = p.signal;

  std::vector<Place> moves = places(dump);
  Tids tids;
  add_threads(dump, moves, tids);
  add_probe_cost(dump);
  for (const BlockingFunction& b : dump.blocking_functions) {
    BlockingFunction placed = b;
    placed.address = moved(moves, b.address);
    auto& all = sum_.blocking_functions;
    if (std::none_of(all.begin(), all.end(), [&](const BlockingFunction& o) { return o.address == placed.address; }))
      all.push_back(std::move(placed));
  }
  add_alloc(dump, moves, tids);
  add_api(dump, tids);
}

// The runs' costs averaged by their calls, so the sum's compensation takes
// from its calls what each run's would have (exactly, when the runs agree).
void DumpSum::add_probe_cost(const Dump& dump) {
  if (!dump.probe_cost) return;
  uint64_t calls = 0;
  for (const Thread& t : dump.threads)
    for (const CallNode& n : t.nodes) calls += n.calls;
  const double scale = static_cast<double>(sum_.process.ticks_per_second) /
                       static_cast<double>(dump.process.ticks_per_second);
  probe_calls_ += calls;
  probe_pair_ += dump.probe_cost->pair_ticks * scale * static_cast<double>(calls);
  probe_inside_ += dump.probe_cost->inside_ticks * scale * static_cast<double>(calls);
  probe_timed_ = std::max(probe_timed_, dump.probe_cost->calls);
}

const Dump& DumpSum::result() {
  if (probe_calls_) {
    auto calls = static_cast<double>(probe_calls_);
    sum_.probe_cost = ProbeCost{probe_pair_ / calls, probe_inside_ / calls, probe_timed_};
  }
  for (AllocSite& site : sum_.alloc.sites) std::sort(site.size_histogram.begin(), site.size_histogram.end());
  return sum_;
}

}  // namespace fnprof
