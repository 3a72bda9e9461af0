// The leak report; leaks.h states its rules.
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

// Allocated by a library's initializer: the dynamic loader's _dl_init runs
// them before main.
bool allocated_by_initializer(const HeapSite& site) {
  return std::any_of(site.frames.begin(), site.frames.end(), [](const Frame& f) { return f.function == "_dl_init"; });
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

std::string blocks_text(uint64_t bytes, uint64_t blocks) {
  return fmt::format("{} in {} {}", format_bytes(bytes), group_digits(blocks), blocks == 1 ? "block" : "blocks");
}

constexpr const char* kScanMethod =
    "leaks are the blocks a conservative scan of the process's memory (like memcheck's and LeakSanitizer's) "
    "found no way to reach when the dump was taken: the roots are the writable data of every loaded module, "
    "the threads' stacks, the dumping thread's registers and thread-local storage, and every aligned word "
    "pointing into a live block reaches it, then that block's own words are scanned. Definitely lost: no "
    "pointer to it; indirectly lost: pointed to only by lost blocks; possibly lost: reached only through "
    "pointers into its middle; still reachable: reached through pointers to its start (memcheck's default "
    "classes). Leaks are the definitely and indirectly lost blocks; still reachable memory is listed apart. "
    "Start-up memory is what was allocated before the program's main was entered";

// A site's lost, possibly lost and reachable memory, from the leak scan.
void classify_site(LeakReport& report, const HeapSite& site, size_t i, uint64_t peak, const char* when) {
  const AllocCounts& c = site.counts;
  const LeakClasses& l = c.leak;
  const bool startup = l.startup_blocks && l.startup_blocks == c.live_blocks();
  const char* startup_note = startup ? "; allocated during start-up, before main" : "";
  report.startup_bytes += l.startup_bytes, report.startup_blocks += l.startup_blocks;
  if (l.lost_blocks()) {
    Leak leak;
    leak.site = i, leak.kind = "lost", leak.bytes = l.lost_bytes(), leak.blocks = l.lost_blocks();
    leak.severity = severity_of(leak.bytes, leak.blocks, peak, report.at_exit);
    if (startup) leak.severity = std::min(leak.severity, Severity::Low);
    const uint64_t definite = l.blocks_of(LeakClass::Definite), indirect = l.blocks_of(LeakClass::Indirect);
    leak.title = fmt::format("{} lost{}: allocated by {}", blocks_text(leak.bytes, leak.blocks), when, where(site));
    leak.evidence = fmt::format(
        "{} definitely lost (no pointer to them left), {} indirectly lost (pointed to only by lost blocks); "
        "{} of {} allocations freed; {} of the peak heap{}",
        blocks_text(l.bytes_of(LeakClass::Definite), definite), blocks_text(l.bytes_of(LeakClass::Indirect), indirect),
        group_digits(c.frees), group_digits(c.allocations),
        percent(static_cast<double>(leak.bytes), static_cast<double>(peak)), startup_note);
    leak.recommendation =
        definite ? "free these blocks before the last pointer to them is dropped (or hold them in an owner such "
                   "as std::unique_ptr)"
                 : "these blocks are reached only from other lost blocks: free them with the blocks that point "
                   "to them (the definitely lost ones)";
    report.leaked_bytes += leak.bytes, report.leaked_blocks += leak.blocks;
    report.leaks.push_back(std::move(leak));
  }
  if (l.blocks_of(LeakClass::Possible)) {
    Leak leak;
    leak.site = i, leak.kind = "possibly-lost";
    leak.bytes = l.bytes_of(LeakClass::Possible), leak.blocks = l.blocks_of(LeakClass::Possible);
    leak.severity = report.at_exit ? Severity::Low : Severity::Info;
    leak.title = fmt::format("{} possibly lost{}: allocated by {}", blocks_text(leak.bytes, leak.blocks), when,
                             where(site));
    leak.evidence = fmt::format("only pointers into the middle of these blocks are left{}", startup_note);
    leak.recommendation =
        "if nothing keeps a pointer to their start on purpose (an offset pointer, a tagged pointer), free them "
        "before that pointer is dropped";
    report.leaks.push_back(std::move(leak));
  }
  if (l.blocks_of(LeakClass::Reachable)) {
    Leak leak;
    leak.site = i, leak.kind = "reachable", leak.severity = Severity::Info;
    leak.bytes = l.bytes_of(LeakClass::Reachable), leak.blocks = l.blocks_of(LeakClass::Reachable);
    leak.title = fmt::format("{} still reachable{}: held by {}", blocks_text(leak.bytes, leak.blocks), when,
                             where(site));
    leak.evidence = fmt::format(
        "a global, a thread's stack or thread-local variable, or another reachable block still points to "
        "them{}",
        startup_note);
    leak.recommendation =
        "not a leak: usually a cache or a singleton; free it at exit only to quiet leak checkers";
    report.reachable_bytes += leak.bytes, report.reachable_blocks += leak.blocks;
    report.reachable.push_back(std::move(leak));
  }
}

// Without a leak scan: every never-freed block is a leak but a library
// initializer's.
void never_freed_site(LeakReport& report, const HeapSite& site, size_t i, uint64_t peak, const char* still) {
  const AllocCounts& c = site.counts;
  Leak leak;
  leak.site = i, leak.bytes = c.live_bytes(), leak.blocks = c.live_blocks();
  if (allocated_by_initializer(site)) {
    leak.severity = Severity::Info, leak.kind = "startup";
    leak.title = fmt::format("{} kept from start-up by {}", blocks_text(leak.bytes, leak.blocks), where(site));
    leak.evidence = fmt::format("allocated by a library initializer before main, {}", still);
    leak.recommendation = "usually deliberate (a global or cache); free it at exit to keep leak checks quiet";
    report.startup_bytes += leak.bytes, report.startup_blocks += leak.blocks;
    report.reachable_bytes += leak.bytes, report.reachable_blocks += leak.blocks;
    report.reachable.push_back(std::move(leak));
    return;
  }
  leak.severity = severity_of(leak.bytes, leak.blocks, peak, report.at_exit);
  leak.kind = "never-freed";
  leak.title = fmt::format("{} {}: allocated by {}", blocks_text(leak.bytes, leak.blocks), still, where(site));
  leak.evidence = fmt::format("{} of {} allocations freed; {} of the peak heap", group_digits(c.frees),
                              group_digits(c.allocations),
                              percent(static_cast<double>(leak.bytes), static_cast<double>(peak)));
  leak.recommendation = "free these blocks (or hold them in an owner such as std::unique_ptr) on every path";
  report.leaked_bytes += leak.bytes, report.leaked_blocks += leak.blocks;
  report.leaks.push_back(std::move(leak));
}

}  // namespace

LeakReport find_leaks(const HeapProfile& heap) {
  LeakReport report;
  for (const HeapProcess& p : heap.processes) report.at_exit = report.at_exit && p.end == "exit";
  report.scanned = heap.scanned;
  const uint64_t peak = heap.totals.peak_live_bytes;
  if (report.scanned) {
    report.classes = heap.totals.leak;
    const bool main_known = std::all_of(heap.processes.begin(), heap.processes.end(),
                                        [](const HeapProcess& p) { return p.main_entered; });
    report.method = fmt::format("{}{}", kScanMethod,
                                main_known ? "" : " (not known in this run: main was not entered, or not seen)");
  } else {
    report.method =
        "the dumps have no leak scan (an older fnprof wrote them, or a signal handler, where the scan does not "
        "run): every block never freed is counted as a "
        "leak, except a site that a library initializer allocated before main (_dl_init on its stack), kept "
        "from start-up";
  }
  const char* when = report.at_exit ? " at exit" : " when the dump was taken";
  const char* still = report.at_exit ? "never freed" : "still allocated when the dump was taken";

  for (size_t i = 0; i < heap.sites.size(); ++i) {
    const HeapSite& site = heap.sites[i];
    const AllocCounts& c = site.counts;
    if (c.live_blocks()) {
      if (report.scanned)
        classify_site(report, site, i, peak, when);
      else
        never_freed_site(report, site, i, peak, still);
    }
    // A site that holds nothing at the end and held nothing at the peak
    // grew and shrank again: not a leak in progress.
    if (growing(site) && (c.live_bytes() || c.bytes_at_peak)) {
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
    for (size_t i : top_sites(heap.sites, AllocSortKey::Peak, 3, heap.scanned))
      holders += fmt::format("{}{} {}", holders.empty() ? "" : "; ", where(heap.sites[i]),
                             format_bytes(heap.sites[i].counts.bytes_at_peak));
    leak.evidence = "held at the peak: " + holders;
    leak.recommendation = "process the burst in smaller pieces, or release memory sooner";
    report.leaks.push_back(std::move(leak));
  }

  const LeakClasses& k = report.classes;
  if (report.scanned) {
    report.summary = fmt::format(
        "{} lost ({} definitely, {} indirectly); {} possibly lost; {} still reachable (not leaks)",
        blocks_text(report.leaked_bytes, report.leaked_blocks),
        blocks_text(k.bytes_of(LeakClass::Definite), k.blocks_of(LeakClass::Definite)),
        blocks_text(k.bytes_of(LeakClass::Indirect), k.blocks_of(LeakClass::Indirect)),
        blocks_text(k.bytes_of(LeakClass::Possible), k.blocks_of(LeakClass::Possible)),
        blocks_text(k.bytes_of(LeakClass::Reachable), k.blocks_of(LeakClass::Reachable)));
    if (report.startup_blocks)
      report.summary += fmt::format("; {} of the live memory allocated during start-up, before main",
                                    blocks_text(report.startup_bytes, report.startup_blocks));
  } else {
    report.summary = fmt::format("{} {}", blocks_text(report.leaked_bytes, report.leaked_blocks), still);
    if (report.startup_blocks)
      report.summary += fmt::format(", plus {} kept from start-up", blocks_text(report.startup_bytes, report.startup_blocks));
  }

  std::stable_sort(report.leaks.begin(), report.leaks.end(), [](const Leak& a, const Leak& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.bytes > b.bytes;
  });
  std::stable_sort(report.reachable.begin(), report.reachable.end(),
                   [](const Leak& a, const Leak& b) { return a.bytes > b.bytes; });
  return report;
}

}  // namespace fnprof
