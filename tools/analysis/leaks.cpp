// The leak heuristics; leaks.h states them.
#include "analysis/leaks.h"

#include <fmt/format.h>

#include <algorithm>

#include "model/display.h"

namespace fnprof {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

Severity severity_of(uint64_t bytes, uint64_t blocks, uint64_t peak, bool at_exit) {
  const double share = peak ? static_cast<double>(bytes) / static_cast<double>(peak) : 0;
  Severity s = Severity::Low;
  if (share >= 0.25 && bytes >= kMiB) s = Severity::Critical;
  else if (share >= 0.05 || bytes >= kMiB) s = Severity::High;
  else if (blocks >= 100) s = Severity::Medium;
  return at_exit ? s : std::min(s, Severity::Low);
}

// Never freed, and allocated by a library's initializer (the dynamic
// loader's _dl_init runs them before main), or all by the first snapshot
// with nothing added since.
bool kept_from_startup(const HeapSite& site) {
  const AllocCounts& c = site.counts;
  if (c.frees) return false;
  if (std::any_of(site.frames.begin(), site.frames.end(), [](const Frame& f) { return f.function == "_dl_init"; }))
    return true;
  return !site.snapshots.empty() && std::all_of(site.snapshots.begin(), site.snapshots.end(),
                                                [&](uint64_t live) { return live == c.live_bytes(); });
}

bool growing(const HeapSite& site) {
  const auto& s = site.snapshots;
  size_t rises = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] < s[i - 1]) return false;
    rises += s[i] > s[i - 1];
  }
  return rises >= 3 && s.back() >= 2 * s.front() && s.back() > 0;
}

std::string where(const HeapSite& site) {
  if (site.frames.empty()) return "<no stack>";
  const Frame& f = site.frames[naming_frame(site)];
  std::string name = elide_name(f.function, 80);
  return f.line ? fmt::format("{} ({}:{})", name, f.file.substr(f.file.rfind('/') + 1), f.line) : name;
}

uint64_t median(std::vector<uint64_t> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

LeakReport find_leaks(const HeapProfile& heap) {
  LeakReport report;
  for (const HeapProcess& p : heap.processes) report.at_exit = report.at_exit && p.end == "exit";
  const uint64_t peak = heap.totals.peak_live_bytes;
  const bool sampled = std::any_of(heap.sites.begin(), heap.sites.end(),
                                   [](const HeapSite& s) { return !s.snapshots.empty(); });
  report.method = fmt::format(
      "a site's memory is kept from start-up when it was never freed and was allocated by a library "
      "initializer before main (_dl_init on the stack){}",
      sampled ? ", or entirely before the run's first heap snapshot and never added to"
              : "; the run took no heap sample (shorter than FNPROF_SAMPLE_INTERVAL), so no other memory "
                "is classed as start-up");
  const char* still = report.at_exit ? "never freed" : "still allocated when the dump was taken";

  for (size_t i = 0; i < heap.sites.size(); ++i) {
    const HeapSite& site = heap.sites[i];
    const AllocCounts& c = site.counts;
    if (c.live_blocks()) {
      Leak leak;
      leak.site = i, leak.bytes = c.live_bytes(), leak.blocks = c.live_blocks();
      if (kept_from_startup(site)) {
        leak.severity = Severity::Info, leak.kind = "startup";
        leak.title = fmt::format("{} in {} {} kept from start-up by {}", format_bytes(leak.bytes),
                                 group_digits(leak.blocks), leak.blocks == 1 ? "block" : "blocks", where(site));
        leak.evidence = fmt::format("allocated during start-up, {}, never added to", still);
        leak.recommendation = "usually deliberate (a global or cache); free it at exit to keep leak checks quiet";
        report.startup_bytes += leak.bytes, report.startup_blocks += leak.blocks;
        report.startup.push_back(std::move(leak));
        continue;
      }
      leak.severity = severity_of(leak.bytes, leak.blocks, peak, report.at_exit);
      leak.kind = "never-freed";
      leak.title = fmt::format("{} in {} {} {}: allocated by {}", format_bytes(leak.bytes),
                               group_digits(leak.blocks), leak.blocks == 1 ? "block" : "blocks", still, where(site));
      leak.evidence = fmt::format("{} of {} allocations freed; {} of the peak heap", group_digits(c.frees),
                                  group_digits(c.allocations), percent(static_cast<double>(leak.bytes),
                                                                       static_cast<double>(peak)));
      leak.recommendation = "free these blocks (or hold them in an owner such as std::unique_ptr) on every path";
      report.leaked_bytes += leak.bytes, report.leaked_blocks += leak.blocks;
      report.leaks.push_back(std::move(leak));
    }
    if (growing(site)) {
      Leak leak;
      leak.site = i, leak.kind = "growing", leak.bytes = site.snapshots.back(), leak.blocks = c.live_blocks();
      Severity s = severity_of(leak.bytes, leak.blocks, peak, true);
      leak.severity = c.live_bytes() * 2 >= leak.bytes ? std::max(s, Severity::Medium) : Severity::Low;
      leak.title = fmt::format("live memory of {} keeps growing", where(site));
      std::string points;
      for (uint64_t v : site.snapshots) points += (points.empty() ? "" : " → ") + format_bytes(v);
      leak.evidence = fmt::format("live bytes over the run: {}; {} at the end", points, format_bytes(c.live_bytes()));
      leak.recommendation = "bound this container or cache, or release what it no longer needs";
      report.leaks.push_back(std::move(leak));
    }
    if (c.frees && c.allocations * 2 > c.frees * 3) {
      Leak leak;
      leak.site = i, leak.kind = "unbalanced", leak.bytes = c.live_bytes(), leak.blocks = c.live_blocks();
      leak.severity = std::min(severity_of(leak.bytes, leak.blocks, peak, report.at_exit), Severity::Medium);
      leak.title = fmt::format("{} allocates {:.1f}x as often as its blocks are freed", where(site),
                               static_cast<double>(c.allocations) / static_cast<double>(c.frees));
      leak.evidence = fmt::format("{} allocations, {} frees, {} live", group_digits(c.allocations),
                                  group_digits(c.frees), format_bytes(c.live_bytes()));
      leak.recommendation = "check the paths that allocate here for a missing free";
      report.leaks.push_back(std::move(leak));
    }
  }

  // A spike: against the median of the heap samples, the run's usual level.
  std::vector<uint64_t> samples;
  for (const HeapProcess& p : heap.processes)
    for (const auto& point : p.timeline) samples.push_back(point.live_bytes);
  const uint64_t typical = median(samples);
  if (!samples.empty() && peak > 2 * typical) {
    Leak leak;
    leak.kind = "spike", leak.bytes = peak;
    leak.severity = peak >= 100 * kMiB ? Severity::Medium : Severity::Low;
    leak.title = fmt::format("the heap peaked at {}, {:.1f}x its typical {}", format_bytes(peak),
                             typical ? static_cast<double>(peak) / static_cast<double>(typical) : 0.0,
                             format_bytes(typical));
    std::string holders;
    for (size_t i : top_sites(heap.sites, AllocSortKey::Peak, 3))
      holders += fmt::format("{}{} {}", holders.empty() ? "" : "; ", where(heap.sites[i]),
                             format_bytes(heap.sites[i].counts.bytes_at_peak));
    leak.evidence = "held at the peak: " + holders;
    leak.recommendation = "process the burst in smaller pieces, or release memory sooner";
    report.leaks.push_back(std::move(leak));
  }

  std::stable_sort(report.leaks.begin(), report.leaks.end(), [](const Leak& a, const Leak& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.bytes > b.bytes;
  });
  std::stable_sort(report.startup.begin(), report.startup.end(),
                   [](const Leak& a, const Leak& b) { return a.bytes > b.bytes; });
  return report;
}

}  // namespace fnprof
