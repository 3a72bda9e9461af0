// The report's tables; see tables.h.
#include "analysis/tables.h"

#include <fmt/format.h>

#include "model/display.h"

namespace fnprof {
namespace {

std::string_view sort_title(SortKey key) {
  switch (key) {
    case SortKey::Calls: return "calls";
    case SortKey::Self: return "self time";
    case SortKey::Incl: return "inclusive time";
    case SortKey::Avg: return "inclusive time per call";
  }
  return "?";
}

const std::vector<Column> kThreadColumns = {
    {"pid", "", Kind::Id, Audience::Machines},
    {"tid", "", Kind::Id, Audience::Machines},
    {"thread", "", Kind::Text, Audience::Machines},
};

// Call durations (min, percentiles, max) reach people with --percentiles;
// machines always get them, and the probe cost taken out of the self time.
std::vector<Column> function_columns(bool percentiles) {
  const Audience durations = percentiles ? Audience::Both : Audience::Machines;
  return {
      {"function", "function", Kind::Name},
      {"calls", "calls", Kind::Count, Audience::Both, 12},
      {"incl_seconds", "incl total", Kind::Seconds, Audience::Both, 10},
      {"self_seconds", "self total", Kind::Seconds, Audience::Both, 10},
      {"self_blocked_seconds", "blocked", Kind::Seconds, Audience::Both, 10},
      {"incl_per_call_seconds", "incl/call", Kind::Seconds, Audience::Both, 10},
      {"self_percent", "% self", Kind::Percent, Audience::Both, 6},
      {"incl_blocked_seconds", "", Kind::Seconds, Audience::Machines},
      {"waits_for", "", Kind::Text, Audience::Machines},
      {"min_seconds", "min", Kind::Seconds, durations, 9},
      {"p50_seconds", "p50", Kind::Seconds, durations, 9},
      {"p90_seconds", "p90", Kind::Seconds, durations, 9},
      {"p99_seconds", "p99", Kind::Seconds, durations, 9},
      {"max_seconds", "max", Kind::Seconds, durations, 9},
      {"probe_self_seconds", "", Kind::Seconds, Audience::Machines},
      {"", "file:line", Kind::Location, Audience::Humans},
      {"file", "", Kind::Text, Audience::Machines},
      {"line", "", Kind::Count, Audience::Machines},
      {"module", "", Kind::Text, Audience::Machines},
      {"address", "", Kind::Address, Audience::Machines},
  };
}

// Empty when no call finished with its durations recorded (an older dump).
std::vector<Value> duration_values(const Durations& d) {
  if (d.empty()) return {Value(), Value(), Value(), Value(), Value()};
  return {d.min_seconds(), d.percentile(0.5), d.percentile(0.9), d.percentile(0.99), d.max_seconds()};
}

Value line_of(uint32_t line) { return line ? Value(uint64_t{line}) : Value(); }

std::string location(const Frame& f) {
  if (f.file.empty()) return "";
  return f.line ? fmt::format("{}:{}", f.file, f.line) : f.file;
}

void add_function_rows(Table& table, const Report& report, const CallTree& tree, const ThreadProfile* thread,
                       RowsFor who) {
  for (uint32_t id : report.function_ranking(tree, who)) {
    const ProfiledFunction& f = report.profile.functions[id];
    const FunctionStats& s = tree.functions[id];
    std::vector<Value> row;
    if (thread) row = {thread->pid, thread->tid, thread->name};
    for (Value v : {Value(f.symbol.function), Value(s.calls), Value(s.incl_seconds), Value(s.self_seconds),
                    Value(s.self_blocked_seconds), Value(s.incl_per_call()),
                    Value(tree.total_self_seconds > 0 ? 100 * s.self_seconds / tree.total_self_seconds : 0.0),
                    Value(s.incl_blocked_seconds), Value(std::string(wait_kind_name(f.wait_kind)))})
      row.push_back(std::move(v));
    for (Value& v : duration_values(s.durations)) row.push_back(std::move(v));
    for (Value v : {Value(s.probe_self_seconds), Value(location(f.symbol)), Value(f.symbol.file),
                    line_of(f.symbol.line), Value(f.module), Value(f.address)})
      row.push_back(std::move(v));
    table.rows.push_back(std::move(row));
  }
}

}  // namespace

std::string probe_note(const ProbeCompensation& probe) {
  if (probe.pair_seconds <= 0) return "";
  if (!probe.applied)
    return fmt::format("{} per call (enter and exit hooks), left in the times (--raw)",
                       format_duration(probe.pair_seconds));
  std::string note = fmt::format("{} per call (enter and exit hooks, {} of it inside the call) taken out of the "
                                 "times, {} in all; --raw leaves it in",
                                 format_duration(probe.pair_seconds), format_duration(probe.inside_seconds),
                                 format_duration(probe.total_seconds));
  if (probe.dumps_without)
    note += fmt::format(" ({} dump{} without a measured cost: raw)", probe.dumps_without,
                        probe.dumps_without == 1 ? "" : "s");
  return note;
}

Table function_table(const Report& report, const CallTree& tree) {
  Table table{"functions", "", function_columns(report.options.percentiles), {}, 0, true};
  // People see "blocked" where something waited; machines always get it.
  if (tree.total_blocked_seconds == 0)
    for (Column& c : table.columns)
      if (c.key == "self_blocked_seconds") c.audience = Audience::Machines;
  add_function_rows(table, report, tree, nullptr, RowsFor::Machines);
  table.human_rows = report.rows(table.rows.size(), RowsFor::Humans);
  // "Top 20 of 87": a table for people says what it left out.
  table.title = table.human_rows < table.rows.size()
                    ? fmt::format("Top {} of {} functions by {}", table.human_rows, table.rows.size(),
                                  sort_title(report.options.sort))
                    : fmt::format("Top {} functions by {}", table.human_rows, sort_title(report.options.sort));
  return table;
}

Table checkpoint_table(const ApiProfile& api) {
  Table table{"checkpoints",
              "Checkpoints",
              {{"name", "checkpoint", Kind::Name, Audience::Both, 24},
               {"pid", "", Kind::Id, Audience::Machines},
               {"tid", "thread", Kind::Id, Audience::Both, 10},
               {"at_seconds", "at", Kind::Seconds, Audience::Both, 12},
               {"since_previous_seconds", "since previous", Kind::Seconds, Audience::Both, 12},
               {"metadata", "metadata", Kind::Name}},
              {},
              api.checkpoints.size(),
              false};
  for (const CheckpointRow& c : api.checkpoints) {
    std::string meta;
    for (const MetaPair& m : c.meta) meta += (meta.empty() ? "" : " ") + m.key + "=" + m.text();
    table.rows.push_back({c.name, c.pid, c.tid, c.at_seconds, c.since_previous_seconds, meta});
  }
  return table;
}

Table counter_table(const ApiProfile& api) {
  Table table{"counters",
              "Counters",
              {{"name", "counter", Kind::Name, Audience::Both, 24},
               {"kind", "kind", Kind::Text, Audience::Both, 7},
               {"direction", "better", Kind::Text, Audience::Both, 7},
               {"value", "value", Kind::Signed, Audience::Both, 16},
               {"", "gauge min..max", Kind::Text, Audience::Humans},
               {"min", "", Kind::Signed, Audience::Machines},
               {"max", "", Kind::Signed, Audience::Machines},
               {"updates", "", Kind::Count, Audience::Machines},
               {"per_second", "rate", Kind::Rate, Audience::Both, 12}},
              {},
              api.counters.size(),
              false};
  auto digits = [](int64_t n) {
    return n < 0 ? "-" + group_digits(static_cast<uint64_t>(-n)) : group_digits(static_cast<uint64_t>(n));
  };
  for (const CounterRow& c : api.counters) {
    const bool range = c.gauge && c.updates;
    table.rows.push_back({c.name, std::string(c.gauge ? "gauge" : "counter"), c.direction, c.value,
                          range ? Value(digits(c.min) + ".." + digits(c.max)) : Value(),
                          c.gauge ? Value(c.min) : Value(), c.gauge ? Value(c.max) : Value(), c.updates,
                          c.gauge ? Value() : Value(c.per_second)});
  }
  return table;
}

Table phase_table(const ApiProfile& api) {
  Table table{"phases",
              "Phases",
              {{"path", "", Kind::Name, Audience::Machines},
               {"name", "phase", Kind::Name, Audience::Both, 5, "depth"},
               {"depth", "", Kind::Count, Audience::Machines},
               {"count", "count", Kind::Count, Audience::Both, 8},
               {"open", "", Kind::Count, Audience::Machines},
               {"", "open", Kind::Count, Audience::Humans},
               {"total_seconds", "total", Kind::Seconds, Audience::Both, 10},
               {"avg_seconds", "avg", Kind::Seconds, Audience::Both, 10},
               {"min_seconds", "min", Kind::Seconds, Audience::Both, 10},
               {"max_seconds", "max", Kind::Seconds, Audience::Both, 10},
               {"p95_seconds", "p95", Kind::Seconds, Audience::Both, 10},
               {"cpu_avg_percent", "", Kind::Percent, Audience::Machines},
               {"cpu_peak_percent", "", Kind::Percent, Audience::Machines},
               {"rss_avg_bytes", "", Kind::Bytes, Audience::Machines},
               {"rss_peak_bytes", "", Kind::Bytes, Audience::Machines}},
              {},
              api.phases.size(),
              false};
  const bool sampled = api.resources.present;
  if (sampled)
    table.columns.insert(table.columns.end(), {{"", "CPU avg/peak", Kind::Percent, Audience::Humans, 11},
                                               {"", "RSS peak", Kind::Bytes, Audience::Humans, 10}});
  for (const PhaseStats& p : api.phases) {
    const ResourceUse& r = p.resources;
    auto used = [&](Value v) { return r.present ? v : Value(); };
    std::vector<Value> row = {p.path, p.name, uint64_t{p.depth}, p.count, p.open,
                              p.open ? Value(p.open) : Value(), p.total_seconds, p.avg_seconds(),
                              p.min_seconds, p.max_seconds, p.p95_seconds, used(r.cpu_avg_percent),
                              used(r.cpu_peak_percent), used(r.rss_avg_bytes), used(r.rss_peak_bytes)};
    if (sampled) {
      // "-": the phase ran between the sampler's intervals.
      row.push_back(r.present ? fmt::format("{:.0f}% / {:.0f}%", r.cpu_avg_percent, r.cpu_peak_percent) : "-");
      row.push_back(r.present ? Value(r.rss_peak_bytes) : Value(std::string("-")));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table phase_counter_table(const ApiProfile& api) {
  Table table{"phase_counters",
              "Counter throughput during phases",
              {{"phase", "phase", Kind::Name},
               {"counter", "counter", Kind::Name},
               {"per_second", "rate", Kind::Rate}},
              {},
              0,
              false};
  for (const PhaseStats& p : api.phases)
    for (const CounterRate& r : p.counter_rates) table.rows.push_back({p.path, r.counter, r.per_second});
  table.human_rows = table.rows.size();
  return table;
}

Table call_view_table(const Profile& profile, const CallView& view, bool callers) {
  const std::string& name = function_name(profile, view.function);
  Table table{callers ? "callers" : "callees",
              (callers ? "Callers of " : "Callees of ") + name,
              {{"function", callers ? "caller" : "callee", Kind::Name},
               {"calls", "calls", Kind::Count, Audience::Both, 12},
               {"seconds", "time", Kind::Seconds, Audience::Both, 10},
               {"percent", "% time", Kind::Percent, Audience::Both, 7}},
              {},
              0,
              false};
  const double whole = view.stats.incl_seconds;
  auto share = [&](double seconds) { return whole > 0 ? Value(100 * seconds / whole) : Value(); };
  for (const CallEdge& e : callers ? view.callers : view.callees)
    table.rows.push_back({function_name(profile, e.function), e.calls, e.seconds, share(e.seconds)});
  if (!callers)
    table.rows.push_back({std::string("(self)"), Value(), view.stats.self_seconds, share(view.stats.self_seconds)});
  table.human_rows = table.rows.size();
  return table;
}

namespace {

// Tables no format asks for by name: they are reached through report_tables().

// The functions of every thread, each row with its thread: csv's functions
// table under --threads.
Table thread_function_table(const Report& report) {
  Table table{"functions", "Functions by thread", kThreadColumns, {}, 0, false};
  std::vector<Column> functions = function_columns(report.options.percentiles);
  table.columns.insert(table.columns.end(), functions.begin(), functions.end());
  for (const ThreadProfile& t : report.profile.threads) add_function_rows(table, report, t.tree, &t, RowsFor::Machines);
  table.human_rows = table.rows.size();
  return table;
}

// The resource sampler's timeline, one row per interval.
Table resource_table(const ResourceSummary& resources) {
  Table table{"resources",
              "Resources",
              {{"at_seconds", "at", Kind::Seconds},
               {"cpu_percent", "CPU", Kind::Percent},
               {"system_cpu_percent", "system CPU", Kind::Percent},
               {"rss_bytes", "RSS", Kind::Bytes},
               {"threads", "threads", Kind::Count}},
              {},
              resources.timeline.size(),
              false};
  for (const ResourceSummary::Point& p : resources.timeline)
    table.rows.push_back({p.at_seconds, p.cpu_percent, p.system_cpu_percent, p.rss_bytes, p.threads});
  return table;
}

// The leak findings, then the memory still reachable (or kept from start-up,
// without a leak scan); for machines, each row's site by leak class.
Table leak_table(const Report& report) {
  Table table{"leaks",
              "Leaks",
              {{"severity", "severity", Kind::Text},
               {"kind", "kind", Kind::Text},
               {"bytes", "bytes", Kind::Bytes},
               {"blocks", "blocks", Kind::Count},
               {"site", "site", Kind::Name},
               {"title", "title", Kind::Text},
               {"evidence", "evidence", Kind::Text},
               {"recommendation", "recommendation", Kind::Text}},
              {},
              0,
              false};
  const bool scanned = report.leaks.scanned;
  if (scanned) {
    for (const char* c : {"definitely_lost", "indirectly_lost", "possibly_lost", "still_reachable", "startup"}) {
      table.columns.push_back({std::string(c) + "_bytes", std::string(c) + " bytes", Kind::Bytes, Audience::Machines});
      table.columns.push_back({std::string(c) + "_blocks", std::string(c) + " blocks", Kind::Count, Audience::Machines});
    }
  }
  const std::vector<HeapSite>& sites = report.profile.heap.sites;
  for (const std::vector<Leak>* leaks : {&report.leaks.leaks, &report.leaks.reachable})
    for (const Leak& leak : *leaks) {
      std::vector<Value>& row = table.rows.emplace_back(std::vector<Value>{
          std::string(severity_name(leak.severity)), leak.kind, leak.bytes, leak.blocks,
          leak.site ? site_name(sites[*leak.site]) : "", leak.title, leak.evidence, leak.recommendation});
      if (!scanned) continue;
      for (size_t k = 0; k < kLeakClassCount; ++k) {
        if (leak.site) row.push_back(sites[*leak.site].counts.leak.bytes[k]), row.push_back(sites[*leak.site].counts.leak.blocks[k]);
        else row.push_back(Value{}), row.push_back(Value{});
      }
      if (leak.site) row.push_back(sites[*leak.site].counts.leak.startup_bytes), row.push_back(sites[*leak.site].counts.leak.startup_blocks);
      else row.push_back(Value{}), row.push_back(Value{});
    }
  table.human_rows = table.rows.size();
  return table;
}

// Every allocation site with its full stack, ranked by --sort's allocation
// key (report.site_ranking); callers innermost first, joined by ';'.
Table allocator_table(const Report& report) {
  Table table{"allocators",
              "Allocation sites",
              {{"rank", "#", Kind::Count},
               {"name", "site", Kind::Name},
               {"file", "file", Kind::Text},
               {"line", "line", Kind::Count},
               {"allocations", "allocations", Kind::Count},
               {"frees", "frees", Kind::Count},
               {"bytes_allocated", "allocated", Kind::Bytes},
               {"bytes_freed", "freed", Kind::Bytes},
               {"live_blocks", "live blocks", Kind::Count},
               {"live_bytes", "leaked", Kind::Bytes},
               {"bytes_at_peak", "at peak", Kind::Bytes},
               {"temporary", "temporary", Kind::Count},
               {"mismatched", "mismatched", Kind::Count},
               {"callers", "called from", Kind::Text}},
              {},
              0,
              true};
  const std::vector<HeapSite>& sites = report.profile.heap.sites;
  uint64_t rank = 0;
  for (size_t id : report.first_rows(report.site_ranking, RowsFor::Machines)) {
    const HeapSite& site = sites[id];
    const AllocCounts& c = site.counts;
    std::string file, callers;
    Value line;
    if (!site.frames.empty()) {
      const Frame& naming = site.frames[naming_frame(site)];
      file = naming.file;
      line = line_of(naming.line);
      for (size_t i = naming_frame(site) + 1; i < site.frames.size(); ++i)
        callers += (callers.empty() ? "" : ";") + site.frames[i].function;
    }
    table.rows.push_back({++rank, site_name(site), file, line, c.allocations, c.frees, c.bytes_allocated,
                          c.bytes_freed, c.live_blocks(), c.live_bytes(), c.bytes_at_peak, c.temporary,
                          c.mismatched, callers});
  }
  table.human_rows = table.rows.size();
  return table;
}

}  // namespace

const std::vector<ReportTable>& report_tables() {
  auto heap = [](const Report& r) { return r.profile.heap.present; };
  static const std::vector<ReportTable> tables = {
      // With --threads, every thread's functions, each row with its thread.
      {"functions", "function data", [](const Report&) { return true; },
       [](const Report& r) {
         return r.options.threads ? thread_function_table(r) : function_table(r, r.profile.merged);
       }},
      {"allocators", "allocation data", heap, allocator_table},
      {"leaks", "allocation data", heap, leak_table},
      {"phases", "phase data", [](const Report& r) { return !r.profile.api.phases.empty(); },
       [](const Report& r) { return phase_table(r.profile.api); }},
      {"phase_counters", "counter throughput during phases",
       [](const Report& r) { return !phase_counter_table(r.profile.api).rows.empty(); },
       [](const Report& r) { return phase_counter_table(r.profile.api); }},
      {"checkpoints", "checkpoint data", [](const Report& r) { return !r.profile.api.checkpoints.empty(); },
       [](const Report& r) { return checkpoint_table(r.profile.api); }},
      {"counters", "counter data", [](const Report& r) { return !r.profile.api.counters.empty(); },
       [](const Report& r) { return counter_table(r.profile.api); }},
      {"resources", "resource data", [](const Report& r) { return r.profile.api.resources.present; },
       [](const Report& r) { return resource_table(r.profile.api.resources); }},
  };
  return tables;
}

}  // namespace fnprof
