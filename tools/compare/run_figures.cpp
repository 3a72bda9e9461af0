#include "compare/run_figures.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compare/benchmark_results.h"
#include "compare/merged_runs.h"
#include "dump/superseded.h"

namespace fnprof {
namespace {

// A function's key: its name and its module's file name, apart; the
// program's own executable is "", as two builds of it may well be named
// differently.
constexpr char kModuleSeparator = '\n';

std::string function_key(const Profile& profile, uint32_t function) {
  const ProfiledFunction& f = profile.functions[function];
  bool executable = false;
  for (const ProcessSummary& p : profile.processes) executable = executable || p.exe == f.module;
  return function_name(profile, function) + kModuleSeparator +
         (executable ? std::string() : std::filesystem::path(f.module).filename().string());
}

std::string site_key(const HeapSite& site) {
  if (site.frames.empty()) return site_name(site);
  std::string key;
  for (const Frame& frame : site.frames) key += (key.empty() ? "" : " < ") + frame.function;
  return key;
}

Direction counter_direction(const std::string& direction) {
  if (direction == "higher") return Direction::LowerIsWorse;
  if (direction == "lower") return Direction::HigherIsWorse;
  return Direction::Neutral;
}

}  // namespace

uint32_t Catalog::id(Subject subject, const std::string& key) {
  auto [it, added] = ids_.try_emplace({subject, key}, static_cast<uint32_t>(ids_.size() + 1));
  if (added) keys_[{subject, it->second}] = &it->first.second;
  return it->second;
}

uint32_t Catalog::context(uint32_t parent, uint32_t function) {
  auto [it, added] = context_ids_.try_emplace({parent, function}, static_cast<uint32_t>(contexts_.size()));
  if (added) contexts_.emplace_back(parent, function);
  return it->second;
}

std::vector<uint32_t> Catalog::context_functions(uint32_t context) const {
  std::vector<uint32_t> functions;
  for (uint32_t c = context; c != 0; c = contexts_[c].first) functions.push_back(contexts_[c].second);
  return {functions.rbegin(), functions.rend()};
}

std::string Catalog::context_path(uint32_t context, std::string_view separator) const {
  std::string path;
  for (uint32_t f : context_functions(context))
    path += (path.empty() ? "" : std::string(separator)) + name(Subject::Function, f);
  return path;
}

std::string Catalog::name(Subject subject, uint32_t id) const {
  if (subject == Subject::Program) return "program";
  if (subject == Subject::Context) return context_path(id, " > ");
  auto it = keys_.find({subject, id});
  if (it == keys_.end()) return "";
  const std::string& key = *it->second;
  return subject == Subject::Function ? key.substr(0, key.find(kModuleSeparator)) : key;
}

std::string Catalog::module(Subject subject, uint32_t id) const {
  if (subject != Subject::Function) return "";
  auto it = keys_.find({subject, id});
  if (it == keys_.end()) return "";
  size_t at = it->second->find(kModuleSeparator);
  return at == std::string::npos ? "" : it->second->substr(at + 1);
}

std::vector<std::pair<Subject, const std::string*>> Catalog::subjects() const {
  std::vector<std::pair<Subject, const std::string*>> out(ids_.size());
  for (const auto& [key, id] : ids_) out[id - 1] = {key.first, &key.second};
  return out;
}

Direction Catalog::direction(const FigureKey& key) const {
  if (key.subject != Subject::Counter) return Direction::HigherIsWorse;
  auto it = counter_directions_.find(key.id);
  return it == counter_directions_.end() ? Direction::Neutral : it->second;
}

RunFigures run_figures(const Profile& profile, Catalog& catalog) {
  RunFigures run;
  if (!profile.processes.empty()) run.label = profile.processes.front().dump_path;
  auto& v = run.values;
  const CallTree& tree = profile.merged;
  run.has_calls = tree.total_calls > 0;
  if (run.has_calls) {
    v[{Subject::Program, Measure::Calls, 0}] = static_cast<double>(tree.total_calls);
    std::vector<uint32_t> function_ids(profile.functions.size(), 0);
    for (uint32_t f = 0; f < tree.functions.size(); ++f) {
      const FunctionStats& s = tree.functions[f];
      if (!s.calls) continue;
      uint32_t id = function_ids[f] = catalog.id(Subject::Function, function_key(profile, f));
      v[{Subject::Function, Measure::Calls, id}] = static_cast<double>(s.calls);
      v[{Subject::Function, Measure::SelfTime, id}] = s.self_seconds;
      v[{Subject::Function, Measure::InclTime, id}] = s.incl_seconds;
    }
    // Depth-first with explicit steps: a context is its parent's plus a function.
    std::vector<std::pair<uint32_t, uint32_t>> steps;  // (node, its parent's context)
    for (uint32_t c : tree.nodes[0].children) steps.emplace_back(c, 0);
    while (!steps.empty()) {
      auto [node, parent] = steps.back();
      steps.pop_back();
      uint32_t c = catalog.context(parent, function_ids[tree.nodes[node].function]);
      v[{Subject::Context, Measure::Calls, c}] += static_cast<double>(tree.nodes[node].calls);
      v[{Subject::Context, Measure::SelfTime, c}] += tree.nodes[node].self_seconds;
      for (uint32_t child : tree.nodes[node].children) steps.emplace_back(child, c);
    }
  }
  v[{Subject::Program, Measure::WallTime, 0}] = profile.wall_seconds;

  const HeapProfile& heap = profile.heap;
  run.has_heap = heap.present;
  if (heap.present) {
    // Blocks still live are leaks only when every process ended by exiting.
    run.leaks_known = true;
    for (const HeapProcess& p : heap.processes) run.leaks_known = run.leaks_known && p.end == "exit";
    v[{Subject::Program, Measure::Allocations, 0}] = static_cast<double>(heap.totals.allocations);
    v[{Subject::Program, Measure::BytesAllocated, 0}] = static_cast<double>(heap.totals.bytes_allocated);
    v[{Subject::Program, Measure::PeakHeap, 0}] = static_cast<double>(heap.totals.peak_live_bytes);
    // With the leak scan the leaks are the lost classes (definitely and
    // indirectly lost), which a program reproduces exactly; still reachable
    // memory is figured apart, and compared as a measurement (what a
    // program keeps at exit can hang on its threads' timing, and whether a
    // thread's DTV is possibly lost or reachable on a stale stack slot),
    // possibly lost in neither. Dumps
    // without the scan (older ones, a signal's) count every block live at
    // exit as leaked, as they always did.
    auto add_leaks = [&](Subject subject, uint32_t id, uint64_t live_blocks, uint64_t live_bytes,
                         const LeakClasses& leak) {
      const uint64_t blocks = heap.scanned ? leak.lost_blocks() : live_blocks;
      const uint64_t bytes = heap.scanned ? leak.lost_bytes() : live_bytes;
      const uint64_t reachable = leak.blocks_of(LeakClass::Reachable);
      if (subject == Subject::Program || blocks) {
        v[{subject, Measure::LeakedBlocks, id}] += static_cast<double>(blocks);
        v[{subject, Measure::LeakedBytes, id}] += static_cast<double>(bytes);
      }
      if (heap.scanned && (subject == Subject::Program || reachable)) {
        v[{subject, Measure::ReachableBlocks, id}] += static_cast<double>(reachable);
        v[{subject, Measure::ReachableBytes, id}] += static_cast<double>(leak.bytes_of(LeakClass::Reachable));
      }
    };
    // Live at the end, not allocations - frees: a fork child's frees of its
    // parent's blocks are not counted as frees.
    if (run.leaks_known) add_leaks(Subject::Program, 0, heap.live_blocks, heap.live_bytes, heap.totals.leak);
    for (const HeapSite& site : sites_as_shown(heap.sites, 2)) {
      uint32_t id = catalog.id(Subject::Site, site_key(site));
      v[{Subject::Site, Measure::Allocations, id}] += static_cast<double>(site.counts.allocations);
      v[{Subject::Site, Measure::BytesAllocated, id}] += static_cast<double>(site.counts.bytes_allocated);
      if (run.leaks_known)
        add_leaks(Subject::Site, id, site.counts.live_blocks(), site.counts.live_bytes(), site.counts.leak);
    }
  }

  for (const PhaseStats& phase : profile.api.phases)
    v[{Subject::Phase, Measure::Duration, catalog.id(Subject::Phase, phase.path)}] = phase.total_seconds;
  for (const CounterRow& counter : profile.api.counters) {
    uint32_t id = catalog.id(Subject::Counter, counter.name);
    catalog.set_counter_direction(id, counter_direction(counter.direction));
    v[{Subject::Counter, Measure::Value, id}] = static_cast<double>(counter.value);
  }
  return run;
}

std::vector<std::vector<size_t>> group_runs(const std::vector<Dump>& dumps) {
  // A dump joins the run of the dump whose process forked it.
  std::map<uint64_t, size_t> by_pid;
  for (size_t i = 0; i < dumps.size(); ++i)
    if (!dumps[i].is_merged()) by_pid.try_emplace(dumps[i].process.pid, i);
  std::vector<size_t> root(dumps.size());
  for (size_t i = 0; i < dumps.size(); ++i) {
    size_t r = i;
    for (size_t steps = 0; steps < dumps.size() && !dumps[i].is_merged(); ++steps) {
      auto parent = by_pid.find(dumps[r].process.ppid);
      if (parent == by_pid.end() || parent->second == r) break;
      r = parent->second;
    }
    root[i] = r;
  }
  std::vector<std::vector<size_t>> runs;
  for (size_t r = 0; r < dumps.size(); ++r) {
    if (root[r] != r) continue;
    std::vector<size_t>& run = runs.emplace_back();
    for (size_t i = 0; i < dumps.size(); ++i)
      if (root[i] == r) run.push_back(i);
  }
  return runs;
}

std::vector<RunFigures> read_runs(const std::vector<std::string>& paths, Catalog& catalog, Symbolizer& symbolizer,
                                  std::vector<std::string>& notes) {
  std::vector<Dump> dumps;
  std::vector<RunFigures> benchmark_runs;
  for (const std::string& path : paths) {
    char head[64] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(head, sizeof head);
    if (!looks_like_json(std::string_view(head, static_cast<size_t>(in.gcount())))) {
      dumps.push_back(read_dump(path));
      continue;
    }
    in.clear();
    in.seekg(0);
    std::ostringstream contents;
    contents << in.rdbuf();
    for (RunFigures& r : read_benchmark_results(path, contents.str(), catalog)) benchmark_runs.push_back(std::move(r));
  }
  for (const SupersededDumps& s : drop_superseded(dumps))
    notes.push_back(fmt::format("{} supersedes {} earlier {} of its process, left out", s.kept, s.paths.size(),
                                s.paths.size() == 1 ? "dump" : "dumps"));

  std::vector<RunFigures> runs;
  for (std::vector<size_t>& run : group_runs(dumps)) {
    if (dumps[run.front()].is_merged()) {
      for (RunFigures& r : merged_runs(dumps[run.front()], catalog)) runs.push_back(std::move(r));
      continue;
    }
    std::vector<Dump> family;
    for (size_t i : run) family.push_back(std::move(dumps[i]));
    uint64_t start = family.front().process.start_unix_ns;
    runs.push_back(run_figures(build_profile(family, symbolizer), catalog));
    runs.back().start_unix_ns = start;
  }
  for (RunFigures& r : benchmark_runs) runs.push_back(std::move(r));
  return runs;
}

bool deterministic(Measure measure) {
  switch (measure) {
    case Measure::Calls:
    case Measure::Allocations:
    case Measure::BytesAllocated:
    case Measure::LeakedBlocks:
    case Measure::LeakedBytes:
      return true;
    default:
      return false;
  }
}

bool is_time(Measure m) {
  return m == Measure::SelfTime || m == Measure::InclTime || m == Measure::WallTime || m == Measure::Duration ||
         m == Measure::RealTime || m == Measure::CpuTime;
}

std::string_view measure_name(Measure measure) {
  switch (measure) {
    case Measure::Calls: return "calls";
    case Measure::SelfTime: return "self time";
    case Measure::InclTime: return "inclusive time";
    case Measure::WallTime: return "wall time";
    case Measure::Allocations: return "allocations";
    case Measure::BytesAllocated: return "bytes allocated";
    case Measure::PeakHeap: return "peak heap";
    case Measure::LeakedBlocks: return "leaked blocks";
    case Measure::LeakedBytes: return "leaked bytes";
    case Measure::Duration: return "duration";
    case Measure::Value: return "value";
    case Measure::RealTime: return "real time";
    case Measure::CpuTime: return "cpu time";
    case Measure::ReachableBlocks: return "reachable blocks";
    case Measure::ReachableBytes: return "reachable bytes";
  }
  return "";
}

std::string_view subject_name(Subject subject) {
  switch (subject) {
    case Subject::Program: return "program";
    case Subject::Function: return "function";
    case Subject::Context: return "context";
    case Subject::Site: return "allocation site";
    case Subject::Phase: return "phase";
    case Subject::Counter: return "counter";
    case Subject::Benchmark: return "benchmark";
  }
  return "";
}

}  // namespace fnprof
