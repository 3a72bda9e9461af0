// Bottleneck findings over the merged tree; see findings.h.
#include "analysis/findings.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <stdexcept>

#include "analysis/leaks.h"
#include "fnprof/format.h"
#include "model/display.h"

namespace fnprof {
namespace {

// "5%", "5" -> 5; "30ns", "0.03us", "0.03µs" -> 30 (in ns).
double parse_number(std::string_view text, std::string_view key, std::string_view& unit) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || value < 0)
    throw std::invalid_argument(fmt::format("--threshold {}: '{}' is not a non-negative number", key, text));
  unit = text.substr(static_cast<size_t>(end - text.data()));
  return value;
}

double parse_percent(std::string_view text, std::string_view key) {
  std::string_view unit;
  double value = parse_number(text, key, unit);
  if (!unit.empty() && unit != "%")
    throw std::invalid_argument(
        fmt::format("--threshold {}: expected a percentage like 5%, got '{}'", key, text));
  return value;
}

double parse_nanoseconds(std::string_view text, std::string_view key) {
  std::string_view unit;
  double value = parse_number(text, key, unit);
  if (unit.empty() || unit == "ns") return value;
  if (unit == "us" || unit == "µs") return value * 1e3;
  if (unit == "ms") return value * 1e6;
  throw std::invalid_argument(
      fmt::format("--threshold {}: expected a duration like 30ns or 0.1us, got '{}'", key, text));
}

// What GCC's -finstrument-functions-exclude-function-list= matches for the
// function, or why it cannot. GCC (12) tests whether an entry is a substring
// of its own spelling of the name: qualified, without parameters or ABI tags,
// "{anonymous}" for an anonymous namespace, and its own spelling of template
// arguments ("long unsigned int"); commas separate entries. So the name here
// is cut to what both spell alike, and a function's own template arguments
// are dropped (the entry then covers every instantiation).
struct ExcludeName {
  std::string name;    // for the option, when it can name the function
  std::string reason;  // why not, otherwise
};

// Whether the character after `before` is an operator's (operator<, ->,
// operator()) rather than a bracket of the name.
bool in_operator(std::string_view before) {
  return before.ends_with("operator") || before.ends_with("operator<") || before.ends_with("operator>") ||
         before.ends_with("operator-");
}

ExcludeName exclude_list_name(std::string_view name) {
  if (size_t folded = name.find(" (same code as "); folded != std::string_view::npos)
    name = name.substr(0, folded);
  if (name.find("{lambda") != std::string_view::npos || name.find("{unnamed") != std::string_view::npos)
    return {"", "GCC spells lambdas and unnamed types its own way"};
  std::string base;
  int depth = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    const std::string_view rest = name.substr(i);
    if (rest.starts_with("(anonymous namespace)")) {
      base += "{anonymous}";
      i += std::string_view("(anonymous namespace)").size() - 1;
      continue;
    }
    if (rest.starts_with("[abi:")) {
      i = name.find(']', i);
      if (i == std::string_view::npos) break;
      continue;
    }
    const char c = name[i];
    const bool bracket = !in_operator(base);
    if (c == '(' && depth == 0 && bracket) break;
    if (c == '<' && bracket) ++depth;
    if (c == '>' && bracket && depth > 0) --depth;
    base += c;
  }
  // A function template's name starts with its return type
  // ("int ns::twice<int>"), which GCC's does not.
  size_t name_start = 0;
  depth = 0;
  for (size_t i = 0; i < base.size(); ++i) {
    const bool bracket = !in_operator(std::string_view(base).substr(0, i));
    if (base[i] == '<' && bracket) ++depth;
    if (base[i] == '>' && bracket && depth > 0) --depth;
    if (base[i] == ' ' && depth == 0 && bracket) name_start = i + 1;
  }
  base.erase(0, name_start);
  // Template arguments of the function itself go; those of a scope stay, and
  // only GCC knows how it writes them.
  if (base.ends_with('>') && !in_operator(std::string_view(base).substr(0, base.size() - 1))) {
    int level = 0;
    for (size_t i = base.size(); i-- > 0;) {
      if (base[i] == '>') ++level;
      if (base[i] == '<' && --level == 0) {
        base.resize(i);
        break;
      }
    }
  }
  if (base.find('<') != std::string::npos && base.find("operator<") == std::string::npos)
    return {"", "it is a member of a class template, whose arguments GCC spells its own way"};
  if (base.find(',') != std::string::npos)
    return {"", "its name has a comma, which separates the list's entries"};
  return {base, ""};
}

// How to stop hooking the function, with what each compiler takes: Clang (14)
// has no -finstrument-functions-exclude-* options at all.
std::string exclude_recommendation(const Frame& symbol) {
  const ExcludeName exclude =
      symbol.resolved ? exclude_list_name(symbol.function) : ExcludeName{"", "its name is not known"};
  const std::string attribute = "mark it __attribute__((no_instrument_function))";
  const std::string clang = "with Clang, which has no exclude lists, " + attribute +
                            " or use -finstrument-functions-after-inlining so inlined calls are not hooked";
  if (!exclude.name.empty())
    return fmt::format(
        "Exclude it from instrumentation: with GCC compile with "
        "'-finstrument-functions-exclude-function-list={}' (it excludes every function whose name contains "
        "that text); {}.",
        exclude.name, clang);
  const std::string file =
      symbol.file.empty()
          ? std::string()
          : fmt::format(", or exclude its whole file with '-finstrument-functions-exclude-file-list={}'",
                        symbol.file.substr(symbol.file.rfind('/') + 1));
  return fmt::format(
      "Exclude it from instrumentation: {} (GCC's -finstrument-functions-exclude-function-list cannot name "
      "it: "
      "{}){}; {}.",
      attribute, exclude.reason, file, clang);
}

double parse_count(std::string_view text, std::string_view key) {
  std::string_view unit;
  double value = parse_number(text, key, unit);
  if (!unit.empty())
    throw std::invalid_argument(
        fmt::format("--threshold {}: expected a count like 1000, got '{}'", key, text));
  return value;
}

Severity severity_of_share(double percent_share, double critical, double high, double medium) {
  if (percent_share >= critical) return Severity::Critical;
  if (percent_share >= high) return Severity::High;
  if (percent_share >= medium) return Severity::Medium;
  return Severity::Low;
}

// The blocking calls each function made itself: caller -> blocking function
// -> (time, calls), over the merged tree.
struct Wait {
  double seconds = 0;
  uint64_t calls = 0;
};
using WaitsByCaller = std::map<uint32_t, std::map<uint32_t, Wait>>;

WaitsByCaller waits_by_caller(const Profile& profile) {
  WaitsByCaller waits;
  const auto& nodes = profile.merged.nodes;
  for (size_t i = 1; i < nodes.size(); ++i) {
    const ProfileNode& n = nodes[i];
    const uint32_t caller = nodes[n.parent].function;
    if (!profile.functions[n.function].blocking() || caller == kNoFunction) continue;
    Wait& w = waits[caller][n.function];
    w.seconds += n.incl_seconds;
    w.calls += n.calls;
  }
  return waits;
}

// What to do about a function that mostly waits, by what it waits for.
std::string waiting_recommendation(format::WaitKind kind) {
  switch (kind) {
    case format::WaitKind::Join:
      return "The time to look at is the joined threads' (see them under --threads): split their work more "
             "evenly, or give this thread work to do while they run. Its own code is not the problem.";
    case format::WaitKind::Lock:
      return "Threads queue for a lock: hold it for less (move work out of the critical section), split it "
             "by the data it guards, or give each thread its own data and combine at the end.";
    case format::WaitKind::Condition:
      return "The thread waits for another to signal it: look at the producer's time, and at whether work "
             "could be handed over in larger pieces or the wait overlapped with work.";
    case format::WaitKind::Sleep:
      return "The thread sleeps by its own choice: check that the sleep is needed; polling with sleeps is "
             "better done by waiting on a condition variable or an event.";
    case format::WaitKind::Poll:
    case format::WaitKind::Io:
      return "The thread waits for I/O: overlap it with work (another thread, asynchronous I/O), batch small "
             "reads and writes, or find out why the other end is slow.";
    case format::WaitKind::Child:
      return "The process waits for a child process: the time to look at is the child's.";
  }
  return "";
}

// What a blocking function's calls wait for, in words.
std::string_view waiting_for(format::WaitKind kind) {
  switch (kind) {
    case format::WaitKind::Join: return "waiting for the threads it started";
    case format::WaitKind::Lock: return "waiting for a lock another thread holds";
    case format::WaitKind::Condition: return "waiting to be signalled by another thread";
    case format::WaitKind::Sleep: return "sleeping";
    case format::WaitKind::Poll: return "waiting for file descriptors to become ready";
    case format::WaitKind::Io: return "waiting for I/O";
    case format::WaitKind::Child: return "waiting for a child process";
  }
  return "waiting";
}

// A function whose own time is mostly waiting in blocking calls it made, and
// enough of all the measured time to matter: named by its largest wait.
std::optional<std::pair<Finding, double>> waiting_finding(const Profile& profile, const WaitsByCaller& waits, uint32_t id,
                                       const FindingThresholds& thresholds) {
  auto it = waits.find(id);
  if (it == waits.end()) return std::nullopt;
  const CallTree& tree = profile.merged;
  const FunctionStats& s = tree.functions[id];
  const double own = s.self_seconds + s.self_blocked_seconds;
  const double share = tree.total_self_seconds > 0 ? 100 * s.self_blocked_seconds / tree.total_self_seconds : 0;
  if (s.self_blocked_seconds <= s.self_seconds || share < thresholds.self_percent) return std::nullopt;
  uint32_t top = it->second.begin()->first;
  for (const auto& [callee, wait] : it->second)
    if (wait.seconds > it->second.at(top).seconds) top = callee;
  const Wait& largest = it->second.at(top);
  const auto kind = static_cast<format::WaitKind>(profile.functions[top].wait_kind);
  const std::string& name = profile.functions[id].symbol.function;
  std::string calls;
  for (const auto& [callee, wait] : it->second)
    calls += fmt::format("{}{} {} ({} {})", calls.empty() ? "" : ", ", profile.functions[callee].symbol.function,
                         format_duration(wait.seconds), group_digits(wait.calls), wait.calls == 1 ? "call" : "calls");
  Finding f;
  f.severity = severity_of_share(share, 50, 25, 10);
  f.kind = "waiting";
  f.function = id;
  f.title = fmt::format("{} is blocked {} in {}, {}", name, format_duration(largest.seconds),
                        profile.functions[top].symbol.function, waiting_for(kind));
  f.evidence = fmt::format("blocked {} of its own {} ({:.1f}%), running {}; {}; {:.1f}% of the self time measured",
                           format_duration(s.self_blocked_seconds), format_duration(own),
                           own > 0 ? 100 * s.self_blocked_seconds / own : 0, format_duration(s.self_seconds), calls,
                           share);
  f.recommendation = waiting_recommendation(kind);
  return std::pair{std::move(f), share};
}

}  // namespace

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Info:
      return "info";
    case Severity::Low:
      return "low";
    case Severity::Medium:
      return "medium";
    case Severity::High:
      return "high";
    case Severity::Critical:
      return "critical";
  }
  return "?";
}

void parse_threshold(std::string_view spec, FindingThresholds& thresholds) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos)
    throw std::invalid_argument(fmt::format("--threshold '{}': expected KEY=VALUE, e.g. self=5%", spec));
  std::string_view key = spec.substr(0, eq), value = spec.substr(eq + 1);
  if (key == "self")
    thresholds.self_percent = parse_percent(value, key);
  else if (key == "overhead")
    thresholds.overhead_ns = parse_nanoseconds(value, key);
  else if (key == "tiny")
    thresholds.tiny_ns = parse_nanoseconds(value, key);
  else if (key == "overhead-share")
    thresholds.overhead_percent = parse_percent(value, key);
  else if (key == "temporary")
    thresholds.temporary = parse_count(value, key);
  else
    throw std::invalid_argument(fmt::format(
        "--threshold '{}': unknown key '{}' (self, overhead, tiny, overhead-share, temporary)", spec, key));
}

std::vector<Finding> find_bottlenecks(const Profile& profile, const LeakReport& leaks,
                                      const FindingThresholds& thresholds) {
  struct Ranked {
    Finding finding;
    double share;
  };
  std::vector<Ranked> ranked;
  const CallTree& tree = profile.merged;
  const WaitsByCaller waits = waits_by_caller(profile);
  const double pair_ns = thresholds.overhead_ns                ? *thresholds.overhead_ns
                         : profile.probe.pair_seconds > 0 ? profile.probe.pair_seconds * 1e9
                                                          : kAssumedPairNs;
  // What the run measured, hooks included: a compensated tree has had them
  // taken out.
  const double measured_seconds = tree.total_seconds + (profile.probe.applied ? profile.probe.total_seconds : 0);

  for (uint32_t id = 0; id < tree.functions.size(); ++id) {
    const FunctionStats& s = tree.functions[id];
    const std::string& name = profile.functions[id].symbol.function;

    // A blocking libc function's time is its caller's waiting (below).
    if (profile.functions[id].blocking()) continue;

    // A hotspot: the function's own code is where the time goes: its self
    // time running, of all the self time that ran (waiting is not work;
    // "running" is said only where the profile has waiting to tell apart).
    const double running = tree.total_running_seconds();
    const char* ran = tree.total_blocked_seconds > 0 ? " running" : "";
    double self_share = running > 0 ? 100 * s.running_self_seconds / running : 0;
    if (s.calls && self_share >= thresholds.self_percent && self_share > 0) {
      Finding f;
      f.severity = severity_of_share(self_share, 50, 25, 10);
      f.kind = "hotspot";
      f.function = id;
      f.title = fmt::format("{} takes {:.1f}% of the{} self time", name, self_share, ran);
      f.evidence = fmt::format("self {}{} of {} ({:.1f}%), {} {}, {} per call inclusive, {} inclusive in total",
                               format_duration(s.running_self_seconds), ran, format_duration(running), self_share,
                               group_digits(s.calls), s.calls == 1 ? "call" : "calls",
                               format_duration(s.incl_per_call()), format_duration(s.incl_seconds));
      double self_per_call = s.self_seconds / static_cast<double>(s.calls);
      if (self_per_call * 1e9 < 10 * pair_ns)
        f.recommendation = fmt::format(
            "Each call is short ({} of its own): call it less often (hoist it out of loops, cache its "
            "result) "
            "or let the compiler inline it.",
            format_duration(self_per_call));
      else
        f.recommendation =
            "The time is spent in its own body, not in profiled callees: look at its loops, its data access "
            "and the uninstrumented code it calls (libraries, system calls).";
      ranked.push_back({std::move(f), self_share});
    }

    if (auto waiting = waiting_finding(profile, waits, id, thresholds))
      ranked.push_back({std::move(waiting->first), waiting->second});

    // A tiny function: the hooks cost about as much as the function itself.
    double incl_ns = s.incl_per_call() * 1e9;
    double overhead_seconds = static_cast<double>(s.calls) * pair_ns * 1e-9;
    double overhead_share = measured_seconds > 0 ? 100 * overhead_seconds / measured_seconds : 0;
    if (s.calls && incl_ns <= thresholds.tiny_ns && overhead_share >= thresholds.overhead_percent) {
      Finding f;
      f.severity = severity_of_share(overhead_share, 50, 25, 10);
      f.kind = "instrumentation-overhead";
      f.function = id;
      f.title = fmt::format("{} is tiny and called {} times: instrumentation dominates its time", name,
                            group_digits(s.calls));
      f.evidence = fmt::format(
          "{} calls averaging {} inclusive; at ~{:.3g}ns per enter/exit pair the hooks cost ~{}, {:.1f}% of "
          "the {} measured",
          group_digits(s.calls), format_duration(s.incl_per_call()), pair_ns, format_duration(overhead_seconds),
          overhead_share, format_duration(measured_seconds));
      f.recommendation = exclude_recommendation(profile.functions[id].symbol);
      ranked.push_back({std::move(f), overhead_share});
    }
  }

  for (const ThreadProfile& t : profile.threads) {
    if (!t.truncated) continue;
    Finding f;
    f.severity = Severity::Medium;
    f.kind = "truncated";
    f.title = fmt::format("thread {} (pid {}) was truncated", t.tid, t.pid);
    f.evidence =
        "the runtime ran out of call-tree node or depth capacity for this thread; deeper calls are missing";
    f.recommendation =
        "Treat its figures as a lower bound; profile a smaller input or exclude deeply recursive functions "
        "from instrumentation.";
    ranked.push_back({std::move(f), 0});
  }

  if (profile.heap.present) {
    const HeapProfile& heap = profile.heap;
    const double all = static_cast<double>(heap.totals.allocations);
    for (const HeapSite& site : heap.sites) {
      const AllocCounts& c = site.counts;
      const double temporary = static_cast<double>(c.temporary);
      if (!c.temporary || temporary < thresholds.temporary || 2 * c.temporary < c.allocations) continue;
      const double share = all > 0 ? 100 * temporary / all : 0;
      std::string where;
      if (!site.frames.empty() && !site.frames[naming_frame(site)].file.empty()) {
        const Frame& f = site.frames[naming_frame(site)];
        where = fmt::format(" ({}:{})", f.file.substr(f.file.rfind('/') + 1), f.line);
      }
      Finding f;
      f.severity = severity_of_share(share, 50, 25, 10);
      f.kind = "temporary-allocations";
      f.title = fmt::format("{}{} makes {} temporary allocations", site_name(site), where,
                            group_digits(c.temporary));
      f.evidence = fmt::format(
          "{} of its {} allocations ({:.1f}%) were freed before anything else was allocated; {:.1f}% of the "
          "program's {} allocations; {} allocated in all",
          group_digits(c.temporary), group_digits(c.allocations),
          100 * temporary / static_cast<double>(c.allocations), share, group_digits(heap.totals.allocations),
          format_bytes(c.bytes_allocated));
      f.recommendation =
          "Reuse one buffer across iterations (hoist it out of the loop, clear() a container instead of "
          "rebuilding it, reserve() once), or use stack storage for small short-lived objects.";
      ranked.push_back({std::move(f), share});
    }
    const double peak = static_cast<double>(heap.totals.peak_live_bytes);
    for (const Leak& leak : leaks.leaks) {
      if (leak.severity < Severity::Medium) continue;
      Finding f;
      f.severity = leak.severity;
      f.kind = "leak";
      f.title = leak.kind + ": " + leak.title;
      f.evidence = leak.evidence;
      f.recommendation = leak.recommendation;
      ranked.push_back({std::move(f), peak > 0 ? 100 * static_cast<double>(leak.bytes) / peak : 0});
    }
  }

  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.finding.severity != b.finding.severity) return a.finding.severity > b.finding.severity;
    return a.share > b.share;
  });
  std::vector<Finding> findings;
  for (Ranked& r : ranked) findings.push_back(std::move(r.finding));
  return findings;
}

}  // namespace fnprof
