// The allocation tracker's part of the HTML page's data (html.cpp
// describes the rest; report_html/report.js draws it):
//
//   allocations: {summary: {allocations, frees, bytes_allocated, bytes_freed,
//                           peak_live_bytes, live_blocks, live_bytes,
//                           temporary, mismatched},
//                 sites: [[name, file, line, allocations, frees,
//                          bytes_allocated, leaked_bytes, bytes_at_peak,
//                          temporary, mismatched, callers], ...]
//                   leaked_bytes: AllocCounts::leaked_bytes (the lost
//                   classes with a leak scan, else never freed);
//                   every site as the tables show it (Report::shown_sites:
//                   the naming frame and --stack-depth callers), ranked by
//                   --sort; callers: those callers, innermost first, as one
//                   string;
//                 tree: {functions: [name, ...],
//                        nodes: {parent: [], func: [], count: [],
//                                incl: [], self: [], live: []},
//                        total}
//                   the calling contexts of the allocated bytes, in
//                   depth-first order like the time trees (node 0 the root,
//                   func -1); count: allocations, incl: bytes allocated
//                   under the node, self: at the node itself}
//   timeline:    [{pid, peak_seconds, points: [[seconds, live_bytes], ...]}]
//                   one per process with heap samples; null without any
//   leaks:       {at_exit, scanned, leaked_bytes, leaked_blocks,
//                 reachable_bytes, reachable_blocks, startup_bytes,
//                 startup_blocks, summary, method, classes (when scanned),
//                 findings: [{severity, kind, bytes, blocks, site, title,
//                             evidence, recommendation, classes}],
//                 reachable: [same]}
#include <map>
#include <nlohmann/json.hpp>

#include "report/formats/heap_report.h"

namespace fnprof {
namespace {

using nlohmann::json;

json sites_json(const ShownSites& shown, bool scanned) {
  json sites = json::array();
  for (size_t i : shown.ranking) {
    const HeapSite& site = shown.sites[i];
    const AllocCounts& c = site.counts;
    std::string file, callers;
    uint32_t line = 0;
    if (!site.frames.empty()) {
      file = site.frames[naming_frame(site)].file;
      line = site.frames[naming_frame(site)].line;
      for (size_t f = naming_frame(site) + 1; f < site.frames.size(); ++f)
        callers += (callers.empty() ? "" : " \u2190 ") + site.frames[f].function;
    }
    sites.push_back({site_name(site), file, line, c.allocations, c.frees, c.bytes_allocated, c.leaked_bytes(scanned),
                     c.bytes_at_peak, c.temporary, c.mismatched, callers});
  }
  return sites;
}

json tree_json(const std::vector<HeapTreeNode>& tree) {
  std::vector<std::string> names;
  std::map<std::string, int64_t> ids;
  json parent = json::array(), func = json::array(), count = json::array(), incl = json::array(),
       self = json::array(), live = json::array();
  std::vector<uint32_t> index(tree.size(), 0);
  std::vector<uint32_t> stack{0};
  uint32_t next = 0;
  while (!stack.empty()) {
    uint32_t n = stack.back();
    stack.pop_back();
    index[n] = next++;
    const HeapTreeNode& node = tree[n];
    int64_t id = -1;
    if (n != 0) {
      auto [it, inserted] = ids.try_emplace(node.function, static_cast<int64_t>(names.size()));
      if (inserted) names.push_back(node.function);
      id = it->second;
    }
    uint64_t children = 0;
    for (uint32_t c : node.children) children += tree[c].bytes_allocated;
    parent.push_back(index[node.parent]);
    func.push_back(id);
    count.push_back(node.allocations);
    incl.push_back(node.bytes_allocated);
    self.push_back(node.bytes_allocated > children ? node.bytes_allocated - children : 0);
    live.push_back(node.live_bytes);
    for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) stack.push_back(*it);
  }
  return {{"functions", names},
          {"nodes",
           {{"parent", parent},
            {"func", func},
            {"count", count},
            {"incl", incl},
            {"self", self},
            {"live", live}}},
          {"total", tree.empty() ? 0 : tree[0].bytes_allocated}};
}

}  // namespace

void add_heap_html_data(json& data, const Report& report) {
  const HeapProfile& heap = report.profile.heap;
  if (!heap.present) return;
  const AllocCounts& t = heap.totals;
  data["allocations"] = {{"summary",
                          {{"allocations", t.allocations},
                           {"frees", t.frees},
                           {"bytes_allocated", t.bytes_allocated},
                           {"bytes_freed", t.bytes_freed},
                           {"peak_live_bytes", t.peak_live_bytes},
                           {"live_blocks", heap.live_blocks},
                           {"live_bytes", heap.live_bytes},
                           {"temporary", t.temporary},
                           {"mismatched", t.mismatched}}},
                         {"sites", sites_json(report.shown_sites, report.profile.heap.scanned)},
                         {"tree", tree_json(heap.tree)}};

  json timeline = json::array();
  for (const HeapProcess& p : heap.processes) {
    if (p.timeline.empty()) continue;
    json points = json::array();
    for (const auto& point : p.timeline) points.push_back({point.at_seconds, point.live_bytes});
    timeline.push_back({{"pid", p.pid}, {"peak_seconds", p.peak_seconds}, {"points", std::move(points)}});
  }
  if (!timeline.empty()) data["timeline"] = std::move(timeline);

  data["leaks"] = leaks_json(report, true);
}

}  // namespace fnprof
