// Text tables of the instrumentation API, and perf-report --summary.
#include <cmath>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "report/formats/api_report.h"
#include "analysis/tables.h"
#include "report/formats/text_table.h"
#include "report/report.h"

namespace fnprof {
namespace {

void write_phases(std::ostream& out, const ApiProfile& api) {
  fmt::print(out, "Phases (by name, nested phases indented):\n\n");
  write_text_table(out, phase_table(api));
  if (api.dropped_phases)
    fmt::print(out, "({} phases not recorded: a thread's log was full or nested too deep)\n", api.dropped_phases);
  Table rates = phase_counter_table(api);
  if (rates.rows.empty()) return;
  fmt::print(out, "\n{}:\n\n", rates.title);
  write_text_table(out, rates);
}

void write_resources(std::ostream& out, const ResourceSummary& r) {
  fmt::print(out, "Resources ({} samples every {}, sampler cost {:.3f}% of a CPU):\n\n", r.samples,
             format_duration(r.interval_seconds), r.sampler_cpu_percent);
  for (const auto& [label, value] : resource_rows(r)) fmt::print(out, "  {:<12} {}\n", label, value);
}

void write_stacks(std::ostream& out, const ApiProfile& api) {
  fmt::print(out, "Captured stacks:\n");
  for (const CapturedStackRow& s : api.stacks) {
    fmt::print(out, "\n  \"{}\" (thread {}, at {}{})\n", s.label, s.tid, format_duration(s.at_seconds),
               s.signal ? fmt::format(", signal {}", s.signal) : "");
    for (size_t i = 0; i < s.frames.size(); ++i) {
      const Frame& f = s.frames[i];
      std::string where = f.file.empty() ? "" : f.line ? fmt::format("  {}:{}", f.file, f.line) : "  " + f.file;
      fmt::print(out, "    #{:<2} {}{}\n", i, elide_name(f.function, 100), where);
    }
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> resource_rows(const ResourceSummary& r) {
  std::vector<std::pair<std::string, std::string>> rows;
  if (r.process.present)
    rows.emplace_back("CPU", fmt::format("avg {:.1f}%, peak {:.1f}% (100% = one core)", r.process.cpu_avg_percent,
                                         r.process.cpu_peak_percent));
  rows.emplace_back("RSS", fmt::format("avg {}, peak {}", format_bytes(r.process.rss_avg_bytes),
                                       format_bytes(r.process.rss_peak_bytes)));
  rows.emplace_back("page faults",
                    fmt::format("{} minor, {} major", group_digits(r.minor_faults), group_digits(r.major_faults)));
  rows.emplace_back("switches", fmt::format("{} voluntary, {} involuntary", group_digits(r.voluntary_switches),
                                            group_digits(r.involuntary_switches)));
  rows.emplace_back("I/O", fmt::format("{} read, {} written", format_bytes(r.read_bytes), format_bytes(r.write_bytes)));
  rows.emplace_back("threads", fmt::format("peak {}", r.threads_peak));
  rows.emplace_back("system", fmt::format("CPU avg {:.1f}%, peak {:.1f}% of all cores; memory used peak {} of {}",
                                          r.system_cpu_avg_percent, r.system_cpu_peak_percent,
                                          format_bytes(r.system_mem_used_peak_bytes),
                                          format_bytes(r.system_mem_total_bytes)));
  return rows;
}

void write_api_text(std::ostream& out, const Profile& profile) {
  const ApiProfile& api = profile.api;
  if (!api.phases.empty()) out << '\n', write_phases(out, api);
  for (const Table& table : {checkpoint_table(api), counter_table(api)}) {
    if (table.rows.empty()) continue;
    fmt::print(out, "\n{}:\n\n", table.title);
    write_text_table(out, table);
  }
  if (api.resources.present) out << '\n', write_resources(out, api.resources);
  if (!api.stacks.empty()) out << '\n', write_stacks(out, api);
}

void write_summary_report(std::ostream& out, const Profile& profile) {
  const ProcessSummary& first = profile.processes.front();
  fmt::print(out, "{}: {} wall, {} calls, {} in profiled functions, end: {}\n", first.program,
             format_duration(profile.wall_seconds), group_digits(profile.merged.total_calls),
             format_duration(profile.merged.total_seconds), first.end);
  std::vector<uint32_t> top = top_functions(profile, profile.merged.functions, SortKey::Self, 5);
  if (!top.empty()) {
    fmt::print(out, "top functions by self time:\n");
    for (uint32_t id : top) {
      const FunctionStats& s = profile.merged.functions[id];
      fmt::print(out, "  {:>10}  {:>6}  {:>12} calls  {}\n", format_duration(s.self_seconds),
                 percent(s.self_seconds, profile.merged.total_self_seconds), group_digits(s.calls),
                 elide_name(profile.functions[id].symbol.function, 70));
    }
  }
  const ApiProfile& api = profile.api;
  if (!api.phases.empty()) {
    fmt::print(out, "phases:\n");
    for (const PhaseStats& p : api.phases)
      fmt::print(out, "  {:<{}}{:>8} x  total {:>10}  avg {:>10}  p95 {:>10}\n", std::string(2 * p.depth, ' ') + p.name,
                 30, group_digits(p.count), format_duration(p.total_seconds), format_duration(p.avg_seconds()),
                 format_duration(p.p95_seconds));
  }
  if (api.resources.present)
    fmt::print(out, "memory: peak RSS {}; CPU avg {:.1f}% of one core\n", format_bytes(api.resources.process.rss_peak_bytes),
               api.resources.process.cpu_avg_percent);
  if (!api.counters.empty()) {
    fmt::print(out, "counters:\n");
    for (const CounterRow& c : api.counters)
      fmt::print(out, "  {:<30}{:>16}{}\n", c.name, c.value,
                 c.gauge ? fmt::format("  (gauge, {}..{})", c.min, c.max) : "  " + format_rate(c.per_second));
  }
  if (!api.stacks.empty()) fmt::print(out, "{} captured stacks (see the full report)\n", api.stacks.size());
}

}  // namespace fnprof
