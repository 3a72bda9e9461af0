// The allocation report and the leak report as text.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "report/formats/heap_report.h"
#include "analysis/leaks.h"

namespace fnprof {
namespace {

constexpr size_t kNameWidth = 70;

std::string frame_text(const Frame& f) {
  std::string name = elide_name(f.function, kNameWidth);
  if (f.file.empty()) return name;
  std::string file = f.file.substr(f.file.rfind('/') + 1);
  return f.line ? fmt::format("{}  {}:{}", name, file, f.line) : fmt::format("{}  {}", name, file);
}

// The naming frame, then up to `depth` of its callers, one per line.
void write_site_frames(std::ostream& out, const HeapSite& site, size_t depth, size_t indent,
                       std::string_view first_prefix) {
  if (site.frames.empty()) {
    fmt::print(out, "{}<no stack>\n", first_prefix);
    return;
  }
  size_t i = naming_frame(site);
  fmt::print(out, "{}{}\n", first_prefix, frame_text(site.frames[i]));
  for (size_t n = 0; n < depth && ++i < site.frames.size(); ++n)
    fmt::print(out, "{:{}}← {}\n", "", indent, frame_text(site.frames[i]));
}

void write_site_table(std::ostream& out, const Report& report, const ShownSites& shown) {
  const ReportOptions& options = report.options;
  const std::vector<HeapSite>& sites = shown.sites;
  std::vector<size_t> ids = report.table_rows(shown);
  fmt::print(out, "{}:\n\n", report.site_table_title(shown));
  if (ids.empty()) return;
  fmt::print(out, "{:>10}  {:>11}  {:>10}  {:>10}  {:>9}  {}\n", "allocated", "allocations", "at peak", "leaked",
             "temporary", "site");
  const size_t indent = 10 + 2 + 11 + 2 + 10 + 2 + 10 + 2 + 9 + 2;
  for (size_t id : ids) {
    const AllocCounts& c = sites[id].counts;
    std::string row = fmt::format("{:>10}  {:>11}  {:>10}  {:>10}  {:>9}  ", format_bytes(c.bytes_allocated),
                                  group_digits(c.allocations), format_bytes(c.bytes_at_peak),
                                  format_bytes(c.leaked_bytes(report.profile.heap.scanned)), group_digits(c.temporary));
    write_site_frames(out, sites[id], options.stack_depth, indent, row);
  }
}

void write_heap_tree(std::ostream& out, const HeapProfile& heap, const ReportOptions& options) {
  const auto& tree = heap.tree;
  const bool scanned = heap.scanned;
  const uint64_t total = tree[0].bytes_allocated;
  const double cut = static_cast<double>(total) * options.min_percent / 100;
  fmt::print(out, "Allocations by calling context (nodes below {}% of {} not shown):\n\n", options.min_percent,
             format_bytes(total));
  fmt::print(out, "{:>7}  {:>10}  {:>11}  {:>10}  {}\n", "% bytes", "allocated", "allocations", "leaked",
             "function");
  size_t hidden = print_tree(
      0, [&](uint32_t node) -> const std::vector<uint32_t>& { return tree[node].children; },
      [&](uint32_t node) {
        return static_cast<double>(tree[node].bytes_allocated) >= cut && tree[node].bytes_allocated > 0;
      },
      [&](uint32_t id, size_t depth) {
        const HeapTreeNode& n = tree[id];
        fmt::print(out, "{:>7}  {:>10}  {:>11}  {:>10}  {:{}}{}\n",
                   percent(static_cast<double>(n.bytes_allocated), static_cast<double>(total)),
                   format_bytes(n.bytes_allocated), group_digits(n.allocations), format_bytes(n.leaked_bytes(scanned)), "",
                   2 * depth, elide_name(n.function, 100));
      });
  if (hidden) fmt::print(out, "({} {} below {}% not shown)\n", hidden, hidden == 1 ? "node" : "nodes", options.min_percent);
}

}  // namespace

void write_heap_text(std::ostream& out, const Report& report, bool views) {
  const HeapProfile& heap = report.profile.heap;
  const ReportOptions& options = report.options;
  const AllocCounts& t = heap.totals;
  fmt::print(out, "Heap: {} allocations ({}), {} frees; peak {}", group_digits(t.allocations),
             format_bytes(t.bytes_allocated), group_digits(t.frees), format_bytes(t.peak_live_bytes));
  if (heap.processes.size() == 1) fmt::print(out, " at {}", format_duration(heap.processes[0].peak_seconds));
  fmt::print(out, "; {} in {} {} at the end", format_bytes(heap.live_bytes), group_digits(heap.live_blocks),
             heap.live_blocks == 1 ? "block" : "blocks");
  fmt::print(out, "; {} temporary", group_digits(t.temporary));
  if (t.mismatched) fmt::print(out, "; {} MISMATCHED frees (e.g. new/free)", group_digits(t.mismatched));
  fmt::print(out, "\n");
  for (const HeapProcess& p : heap.processes) {
    if (p.truncated)
      fmt::print(out, "warning: pid {}: a tracker table ran out of room, some allocations are missing\n", p.pid);
  }
  out << '\n';
  write_site_table(out, report, report.shown_sites);
  if (views && options.tree) {
    out << '\n';
    write_heap_tree(out, heap, options);
  }
  if (views && options.threads) {
    for (size_t i = 0; i < heap.threads.size(); ++i) {
      const ThreadHeap& thread = heap.threads[i];
      AllocCounts sum;
      for (const HeapSite& s : thread.sites) sum.add(s.counts);
      fmt::print(out, "\nThread {} (pid {}): {} allocations ({}), {} frees\n\n", thread.tid, thread.pid,
                 group_digits(sum.allocations), format_bytes(sum.bytes_allocated), group_digits(sum.frees));
      write_site_table(out, report, report.thread_sites[i]);
    }
  }
}

void write_leaks_text(std::ostream& out, const Report& whole) {
  const HeapProfile& heap = whole.profile.heap;
  const LeakReport& report = whole.leaks;
  fmt::print(out, "Leaks{}: {}\n", report.at_exit ? "" : " (dump not taken at exit)", report.summary);
  if (report.leaks.empty()) out << "\nNo leak findings.\n";
  for (const Leak& leak : report.leaks) {
    fmt::print(out, "\n  [{}] {}: {}\n", severity_name(leak.severity), leak.kind, leak.title);
    fmt::print(out, "      evidence: {}\n", leak.evidence);
    fmt::print(out, "      recommendation: {}\n", leak.recommendation);
    if (leak.site) write_site_frames(out, heap.sites[*leak.site], whole.options.stack_depth, 10, "      at ");
  }
  if (!report.reachable.empty()) {
    fmt::print(out, "\n{} (not counted as leaks), by bytes:\n",
               report.scanned ? "Still reachable" : "Kept from start-up");
    const size_t shown = std::min(report.reachable.size(), kReachableShown);
    for (size_t i = 0; i < shown; ++i) fmt::print(out, "  {}\n", report.reachable[i].title);
    if (shown < report.reachable.size())
      fmt::print(out, "  and {} more sites (json and csv list them all)\n", report.reachable.size() - shown);
  }
  fmt::print(out, "\nHow leaks were told apart: {}.\n", report.method);
}

}  // namespace fnprof
