// Builds a HeapProfile: symbolizes each dump's allocation stacks once, merges
// sites by their frames and grows the calling-context tree of allocations.
#include "model/heap_profile.h"

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "fnprof/format.h"
#include "model/process_info.h"

namespace fnprof {
namespace {

// A frame's part of a merge key: function, file and line.
void append_frame_key(std::string& key, const Frame& f) {
  fmt::format_to(std::back_inserter(key), "{}\x1f{}\x1f{}\x1e", f.function, f.file, f.line);
}

struct SymbolizedStack {
  std::vector<Frame> frames;
  size_t naming = 0;  // see naming_frame()
  std::string key;    // every frame's function, file and line: sites merge by it
};

bool system_module(const Module* module) {
  return module && (module->path.starts_with("/usr/") || module->path.starts_with("/lib"));
}

SymbolizedStack symbolize_stack(const Dump& dump, const AllocStack& stack, Symbolizer& symbolizer) {
  SymbolizedStack out;
  bool named = false;
  auto add = [&](const Frame& f, const Module* module) {
    if (!named && !system_module(module) && !f.file.starts_with("/usr/include/"))
      out.naming = out.frames.size(), named = true;
    out.frames.push_back(f);
    append_frame_key(out.key, f);
  };
  for (uint64_t address : stack.frames) {
    const Module* module = dump.module_of(address);
    if (stack.kind == static_cast<uint64_t>(format::StackKind::FunctionEntries)) {
      add(symbolizer.function_at(module, address), module);
    } else {
      // A return address: the call is the byte before it.
      for (const Frame& f : symbolizer.frames_at(module, address - 1)) add(f, module);
    }
  }
  return out;
}

AllocCounts counts_of(const AllocSite& s) {
  AllocCounts c;
  c.allocations = s.allocations, c.frees = s.frees;
  c.bytes_allocated = s.bytes_allocated, c.bytes_freed = s.bytes_freed;
  c.peak_live_bytes = s.peak_live_bytes, c.bytes_at_peak = s.bytes_at_peak;
  c.temporary = s.temporary, c.mismatched = s.mismatched;
  c.leak = s.leak;
  return c;
}

// Adds `from` into `into`, a site that merges with it.
void merge_site(HeapSite& into, const HeapSite& from) {
  into.counts.add(from.counts);
  for (size_t b = 0; b < into.size_histogram.size(); ++b) into.size_histogram[b] += from.size_histogram[b];
  if (from.first_pid == into.first_pid) {
    if (into.snapshots.size() < from.snapshots.size()) into.snapshots.resize(from.snapshots.size());
    for (size_t i = 0; i < from.snapshots.size(); ++i) into.snapshots[i] += from.snapshots[i];
  }
  std::vector<uint64_t> tids;
  std::set_union(into.tids.begin(), into.tids.end(), from.tids.begin(), from.tids.end(), std::back_inserter(tids));
  into.tids = std::move(tids);
}

// A dump's site on its own, with its symbolized stack.
HeapSite heap_site(const SymbolizedStack& stack, const AllocSite& site, uint64_t pid) {
  HeapSite h;
  h.frames = stack.frames;
  h.naming = stack.naming;
  h.counts = counts_of(site);
  for (const auto& [bucket, n] : site.size_histogram)
    if (bucket < h.size_histogram.size()) h.size_histogram[bucket] += n;
  h.snapshots = site.snapshots;
  h.first_pid = pid;
  h.tids = {site.tid};
  return h;
}

// Sites merged by a key: the first of a key is kept, the rest added to it.
class SiteMerger {
 public:
  explicit SiteMerger(std::vector<HeapSite>& sites) : sites_(sites) {}

  void add(const std::string& key, HeapSite site) {
    auto [it, inserted] = index_.try_emplace(key, sites_.size());
    if (inserted)
      sites_.push_back(std::move(site));
    else
      merge_site(sites_[it->second], site);
  }

 private:
  std::vector<HeapSite>& sites_;
  std::unordered_map<std::string, size_t> index_;
};

class TreeBuilder {
 public:
  explicit TreeBuilder(std::vector<HeapTreeNode>& tree) : tree_(tree) {
    tree_.push_back(HeapTreeNode{"<root>", 0, {}, 0, 0, 0});
  }

  // Adds the site along its path, outermost frame first.
  void add(const std::vector<Frame>& frames, const AllocSite& site) {
    uint32_t node = 0;
    count(0, site);
    for (auto f = frames.rbegin(); f != frames.rend(); ++f) {
      auto [it, inserted] = children_.try_emplace({node, f->function}, static_cast<uint32_t>(tree_.size()));
      if (inserted) {
        tree_.push_back(HeapTreeNode{f->function, node, {}, 0, 0, 0});
        tree_[node].children.push_back(it->second);
      }
      node = it->second;
      count(node, site);
    }
  }

  void finish() {
    for (HeapTreeNode& n : tree_)
      std::stable_sort(n.children.begin(), n.children.end(), [&](uint32_t a, uint32_t b) {
        return tree_[a].bytes_allocated > tree_[b].bytes_allocated;
      });
  }

 private:
  void count(uint32_t node, const AllocSite& site) {
    tree_[node].allocations += site.allocations;
    tree_[node].bytes_allocated += site.bytes_allocated;
    tree_[node].live_bytes += site.live_bytes();
    tree_[node].lost_bytes += site.leak.lost_bytes();
  }

  std::vector<HeapTreeNode>& tree_;
  std::map<std::pair<uint32_t, std::string>, uint32_t> children_;
};

}  // namespace

void AllocCounts::add(const AllocCounts& o) {
  allocations += o.allocations, frees += o.frees;
  bytes_allocated += o.bytes_allocated, bytes_freed += o.bytes_freed;
  peak_live_bytes += o.peak_live_bytes, bytes_at_peak += o.bytes_at_peak;
  temporary += o.temporary, mismatched += o.mismatched;
  leak.add(o.leak);
}

HeapProfile build_heap_profile(const std::vector<Dump>& dumps, Symbolizer& symbolizer) {
  HeapProfile heap;
  SiteMerger merged(heap.sites);
  TreeBuilder tree(heap.tree);
  static const SymbolizedStack kNoStack;
  std::vector<std::unordered_map<uint32_t, SymbolizedStack>> stacks_of_dump(dumps.size());
  struct ThreadSite {
    const SymbolizedStack* stack;
    const AllocSite* site;
  };
  std::map<std::pair<uint64_t, uint64_t>, std::vector<ThreadSite>> thread_sites;  // (pid, tid)

  for (size_t d = 0; d < dumps.size(); ++d) {
    const Dump& dump = dumps[d];
    const AllocProfile& alloc = dump.alloc;
    if (!alloc.present) continue;
    heap.present = true;
    const ProcessInfo& p = dump.process;
    const AllocSummary& s = alloc.summary;

    HeapProcess proc;
    proc.pid = p.pid;
    proc.end = end_reason(p);
    proc.totals.allocations = s.allocations, proc.totals.frees = s.frees;
    proc.totals.bytes_allocated = s.bytes_allocated, proc.totals.bytes_freed = s.bytes_freed;
    proc.totals.peak_live_bytes = proc.totals.bytes_at_peak = s.peak_live_bytes;
    proc.totals.temporary = s.temporary, proc.totals.mismatched = s.mismatched;
    proc.live_blocks = s.live_blocks, proc.live_bytes = s.live_bytes;
    proc.peak_seconds = ticks_to_seconds(p.start_ticks, s.peak_ticks, p.ticks_per_second);
    proc.untracked_frees = s.untracked_frees;
    proc.truncated = s.flags & format::kAllocTruncated;
    proc.scanned = alloc.leak_scan.present;
    proc.main_entered = alloc.leak_scan.flags & format::kLeakScanMainEntered;
    proc.scan_incomplete = alloc.leak_scan.flags & format::kLeakScanIncomplete;
    proc.scan_seconds = static_cast<double>(alloc.leak_scan.scan_ns) / 1e9;
    for (const AllocSite& site : alloc.sites) proc.totals.leak.add(site.leak);
    bool shadow = std::any_of(alloc.stacks.begin(), alloc.stacks.end(), [](const AllocStack& st) {
      return st.kind == static_cast<uint64_t>(format::StackKind::FunctionEntries);
    });
    proc.stack_mode = shadow ? "shadow" : "unwind";
    for (const HeapSample& h : alloc.timeline)
      proc.timeline.push_back({ticks_to_seconds(p.start_ticks, h.ticks, p.ticks_per_second), h.live_bytes});

    // Processes' peaks need not coincide: the family's is the highest one's.
    const uint64_t peak = std::max(heap.totals.peak_live_bytes, proc.totals.peak_live_bytes);
    heap.totals.add(proc.totals);
    heap.totals.peak_live_bytes = heap.totals.bytes_at_peak = peak;
    heap.live_blocks += proc.live_blocks, heap.live_bytes += proc.live_bytes;
    heap.scanned = (heap.processes.empty() || heap.scanned) && proc.scanned;
    heap.processes.push_back(std::move(proc));

    auto& stacks = stacks_of_dump[d];
    for (const AllocStack& stack : alloc.stacks) {
      stacks[stack.id] = symbolize_stack(dump, stack, symbolizer);
    }
    for (const AllocSite& site : alloc.sites) {
      auto it = stacks.find(site.stack_id);
      const SymbolizedStack& stack = it == stacks.end() ? kNoStack : it->second;
      merged.add(stack.key, heap_site(stack, site, p.pid));
      tree.add(stack.frames, site);
      thread_sites[{p.pid, site.tid}].push_back({&stack, &site});
    }
  }
  for (const auto& [thread, sites] : thread_sites) {
    ThreadHeap& t = heap.threads.emplace_back(ThreadHeap{thread.first, thread.second, {}});
    SiteMerger merger(t.sites);
    for (const ThreadSite& s : sites) merger.add(s.stack->key, heap_site(*s.stack, *s.site, thread.first));
  }
  tree.finish();
  return heap;
}

const std::string& site_name(const HeapSite& site) {
  static const std::string none = "<no stack>";
  return site.frames.empty() ? none : site.frames[naming_frame(site)].function;
}

std::vector<HeapSite> sites_as_shown(const std::vector<HeapSite>& sites, size_t callers) {
  std::vector<HeapSite> out;
  SiteMerger merger(out);
  for (const HeapSite& site : sites) {
    HeapSite shown = site;
    const size_t begin = std::min(site.naming, site.frames.size());
    const size_t end = std::min(site.frames.size(), begin + 1 + callers);
    shown.frames.assign(site.frames.begin() + static_cast<ptrdiff_t>(begin),
                        site.frames.begin() + static_cast<ptrdiff_t>(end));
    shown.naming = 0;
    std::string key;
    for (const Frame& f : shown.frames) append_frame_key(key, f);
    merger.add(key, std::move(shown));
  }
  return out;
}

std::string_view alloc_sort_key_name(AllocSortKey key) {
  switch (key) {
    case AllocSortKey::Bytes: return "bytes";
    case AllocSortKey::Count: return "count";
    case AllocSortKey::Peak: return "peak";
    case AllocSortKey::Leaked: return "leaked";
    case AllocSortKey::Temporary: return "temporary";
  }
  return "?";
}

bool parse_alloc_sort_key(std::string_view name, AllocSortKey& key) {
  for (AllocSortKey k : {AllocSortKey::Bytes, AllocSortKey::Count, AllocSortKey::Peak, AllocSortKey::Leaked,
                         AllocSortKey::Temporary})
    if (alloc_sort_key_name(k) == name) return key = k, true;
  return false;
}

std::vector<size_t> top_sites(const std::vector<HeapSite>& sites, AllocSortKey key, size_t limit, bool scanned) {
  auto value = [&](size_t i) -> uint64_t {
    const AllocCounts& c = sites[i].counts;
    switch (key) {
      case AllocSortKey::Bytes: return c.bytes_allocated;
      case AllocSortKey::Count: return c.allocations;
      case AllocSortKey::Peak: return c.bytes_at_peak;
      case AllocSortKey::Leaked: return c.leaked_bytes(scanned);
      case AllocSortKey::Temporary: return c.temporary;
    }
    return 0;
  };
  std::vector<size_t> ids;
  for (size_t i = 0; i < sites.size(); ++i)
    if (value(i)) ids.push_back(i);
  auto before = [&](size_t a, size_t b) {
    if (value(a) != value(b)) return value(a) > value(b);
    if (sites[a].counts.bytes_allocated != sites[b].counts.bytes_allocated)
      return sites[a].counts.bytes_allocated > sites[b].counts.bytes_allocated;
    return a < b;
  };
  std::sort(ids.begin(), ids.end(), before);
  if (ids.size() > limit) ids.resize(limit);
  return ids;
}

}  // namespace fnprof
