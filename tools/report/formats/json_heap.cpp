// The allocation report and the leak report in the JSON report
// (docs/report.schema.json: "allocations", "leaks"); the leak report also
// feeds the HTML page.
#include <nlohmann/json.hpp>

#include "report/formats/heap_report.h"
#include "analysis/leaks.h"

namespace fnprof {
namespace {

using nlohmann::json;

json counts_json(const AllocCounts& c) {
  return {
      {"allocations", c.allocations},   {"frees", c.frees},
      {"bytes_allocated", c.bytes_allocated}, {"bytes_freed", c.bytes_freed},
      {"live_blocks", c.live_blocks()}, {"live_bytes", c.live_bytes()},
      {"peak_live_bytes", c.peak_live_bytes}, {"bytes_at_peak", c.bytes_at_peak},
      {"temporary", c.temporary},       {"mismatched", c.mismatched},
  };
}

json site_json(const HeapSite& site, size_t index) {
  json frames = json::array();
  for (const Frame& f : site.frames)
    frames.push_back({{"function", f.function}, {"file", f.file}, {"line", f.line}, {"resolved", f.resolved}});
  json histogram = json::array();
  for (size_t b = 0; b < site.size_histogram.size(); ++b) {
    if (!site.size_histogram[b]) continue;
    uint64_t min = b ? uint64_t{1} << (b - 1) : 0, max = b ? (b == 64 ? UINT64_MAX : (uint64_t{1} << b) - 1) : 0;
    histogram.push_back({{"min_bytes", min}, {"max_bytes", max}, {"count", site.size_histogram[b]}});
  }
  json j = counts_json(site.counts);
  j["id"] = index;
  j["name"] = site_name(site);
  j["naming_frame"] = naming_frame(site);
  j["frames"] = std::move(frames);
  j["size_histogram"] = std::move(histogram);
  j["snapshots"] = site.snapshots;
  j["tids"] = site.tids;
  return j;
}

json sites_json(const Report& report, const std::vector<HeapSite>& sites, const std::vector<size_t>& ranking) {
  json rows = json::array();
  for (size_t i : report.first_rows(ranking, RowsFor::Machines)) rows.push_back(site_json(sites[i], i));
  return rows;
}

json tree_json(const std::vector<HeapTreeNode>& tree, uint32_t node, double cut) {
  const HeapTreeNode& n = tree[node];
  json j = {{"function", n.function},
            {"allocations", n.allocations},
            {"bytes_allocated", n.bytes_allocated},
            {"live_bytes", n.live_bytes},
            {"lost_bytes", n.lost_bytes}};
  json children = json::array();
  size_t hidden = 0;
  for (uint32_t c : n.children) {
    if (static_cast<double>(tree[c].bytes_allocated) >= cut && tree[c].bytes_allocated > 0)
      children.push_back(tree_json(tree, c, cut));
    else
      ++hidden;
  }
  j["children"] = std::move(children);
  j["hidden_children"] = hidden;
  return j;
}

json classes_json(const LeakClasses& l) {
  auto pair = [](uint64_t bytes, uint64_t blocks) { return json{{"bytes", bytes}, {"blocks", blocks}}; };
  return {{"definitely_lost", pair(l.bytes_of(LeakClass::Definite), l.blocks_of(LeakClass::Definite))},
          {"indirectly_lost", pair(l.bytes_of(LeakClass::Indirect), l.blocks_of(LeakClass::Indirect))},
          {"possibly_lost", pair(l.bytes_of(LeakClass::Possible), l.blocks_of(LeakClass::Possible))},
          {"still_reachable", pair(l.bytes_of(LeakClass::Reachable), l.blocks_of(LeakClass::Reachable))},
          {"startup", pair(l.startup_bytes, l.startup_blocks)}};
}

json leak_json(const Leak& leak, const HeapProfile& heap, bool site_names_only, bool scanned) {
  json j = {{"severity", severity_name(leak.severity)},
            {"kind", leak.kind},
            {"bytes", leak.bytes},
            {"blocks", leak.blocks},
            {"title", leak.title},
            {"evidence", leak.evidence},
            {"recommendation", leak.recommendation}};
  if (site_names_only)
    j["site"] = leak.site ? site_name(heap.sites[*leak.site]) : "";
  else if (leak.site)
    j["site"] = site_json(heap.sites[*leak.site], *leak.site);
  if (scanned && leak.site) j["classes"] = classes_json(heap.sites[*leak.site].counts.leak);
  return j;
}

}  // namespace

json leaks_json(const Report& report, bool site_names_only) {
  const HeapProfile& heap = report.profile.heap;
  const LeakReport& leaks = report.leaks;
  json findings = json::array(), reachable = json::array();
  for (const Leak& leak : leaks.leaks) findings.push_back(leak_json(leak, heap, site_names_only, leaks.scanned));
  for (const Leak& leak : leaks.reachable) reachable.push_back(leak_json(leak, heap, site_names_only, leaks.scanned));
  json j = {{"at_exit", leaks.at_exit},
            {"scanned", leaks.scanned},
            {"leaked_bytes", leaks.leaked_bytes},
            {"leaked_blocks", leaks.leaked_blocks},
            {"reachable_bytes", leaks.reachable_bytes},
            {"reachable_blocks", leaks.reachable_blocks},
            {"startup_bytes", leaks.startup_bytes},
            {"startup_blocks", leaks.startup_blocks},
            {"summary", leaks.summary},
            {"method", leaks.method},
            {"findings", std::move(findings)},
            {"reachable", std::move(reachable)}};
  if (leaks.scanned) j["classes"] = classes_json(leaks.classes);
  return j;
}

void add_heap_json(json& json_report, const Report& report) {
  const HeapProfile& heap = report.profile.heap;
  const ReportOptions& options = report.options;
  json summary = counts_json(heap.totals);
  // Leaks are what is live at the end, not allocations - frees: a fork
  // child's frees of its parent's blocks are not counted as frees.
  summary["leaked_bytes"] = heap.live_bytes;
  summary["leaked_blocks"] = heap.live_blocks;
  json processes = json::array();
  for (const HeapProcess& p : heap.processes) {
    json timeline = json::array();
    for (const auto& point : p.timeline) timeline.push_back({point.at_seconds, point.live_bytes});
    json j = counts_json(p.totals);
    j["pid"] = p.pid;
    j["end"] = p.end;
    j["live_blocks"] = p.live_blocks;
    j["live_bytes"] = p.live_bytes;
    j["peak_seconds"] = p.peak_seconds;
    j["untracked_frees"] = p.untracked_frees;
    j["truncated"] = p.truncated;
    j["stacks"] = p.stack_mode;
    if (p.scanned) {
      j["leak_scan"] = {{"seconds", p.scan_seconds},
                        {"main_entered", p.main_entered},
                        {"incomplete", p.scan_incomplete},
                        {"classes", classes_json(p.totals.leak)}};
    }
    j["timeline"] = std::move(timeline);
    processes.push_back(std::move(j));
  }
  json allocations = {{"summary", std::move(summary)},
                      {"processes", std::move(processes)},
                      {"sort", alloc_sort_key_name(options.alloc_sort)},
                      {"sites", sites_json(report, heap.sites, report.site_ranking)}};
  if (options.tree)
    allocations["tree"] = tree_json(heap.tree, 0, static_cast<double>(heap.tree[0].bytes_allocated) * options.min_percent / 100);
  if (options.threads) {
    json threads = json::array();
    for (size_t i = 0; i < heap.threads.size(); ++i) {
      const ThreadHeap& t = heap.threads[i];
      threads.push_back(
          {{"pid", t.pid}, {"tid", t.tid}, {"sites", sites_json(report, t.sites, report.thread_site_ranking[i])}});
    }
    allocations["threads"] = std::move(threads);
  }
  json_report["allocations"] = std::move(allocations);

  json_report["leaks"] = leaks_json(report, false);
}

}  // namespace fnprof
