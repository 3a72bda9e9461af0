// Bottleneck findings: what a reader of the report should look at first,
// each with a severity, the figures that support it and what to do about it.
//
//   hotspot                    a function whose own (self) time is a large
//                              share of the total: optimize its body.
//   instrumentation-overhead   a tiny function called so often that the
//                              enter/exit hooks (the pair cost the dump
//                              measured, else ~30 ns) are a large
//                              share of what it measures: its times are
//                              mostly the profiler's, so exclude it from
//                              instrumentation.
//   truncated                  a thread whose call tree ran out of room.
//   temporary-allocations      an allocation site whose blocks are mostly
//                              freed before anything else is allocated
//                              (at least 1000 such, and at least half of
//                              its allocations): reuse a buffer. Severity
//                              by the site's temporaries as a share of all
//                              allocations.
//   leak                       a leak finding (leaks.h) of severity medium
//                              or above, with its severity.
//
// Thresholds come from `--threshold KEY=VALUE` (parse_threshold).
//
//   std::vector<Finding> findings = find_bottlenecks(profile, FindingThresholds{});
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/profile.h"

namespace fnprof {

enum class Severity { Info, Low, Medium, High, Critical };

// "info", "low", "medium", "high", "critical".
std::string_view severity_name(Severity severity);

// A hook pair's cost where neither the user nor the dumps say (older
// runtimes measured none): about what it costs on a 3 GHz x86-64.
constexpr double kAssumedPairNs = 30;

struct FindingThresholds {
  double self_percent = 5;      // self=5%: a hotspot owns at least this share of the self time
  // overhead=30ns: cost of one enter+exit hook pair; unset, the one the
  // dumps measured (Profile::probe), else kAssumedPairNs.
  std::optional<double> overhead_ns;
  double tiny_ns = 100;         // tiny=100ns: at most this inclusive time per call is "tiny"
  double overhead_percent = 1;  // overhead-share=1%: report tiny functions whose
                                // estimated hook cost is at least this share of the total
  double temporary = 1000;      // temporary=1000: temporary allocations that make a site a finding
};

// Sets one threshold from "self=5%", "overhead=30ns", "tiny=0.1us",
// "overhead-share=2%", "temporary=1000"; throws std::invalid_argument naming the problem.
void parse_threshold(std::string_view spec, FindingThresholds& thresholds);

struct Finding {
  Severity severity = Severity::Info;
  std::string kind;  // "hotspot", "instrumentation-overhead", "truncated", "temporary-allocations", "leak"
  uint32_t function = kNoFunction;
  std::string title;           // one line: "ns::f(int) takes 42.0% of the self time"
  std::string evidence;        // the figures behind it
  std::string recommendation;  // what to do
};

struct LeakReport;

// Findings over the merged tree, the allocation sites and the leak report
// (find_leaks), most severe first (then by the share of time, allocations or
// peak heap concerned).
std::vector<Finding> find_bottlenecks(const Profile& profile, const LeakReport& leaks,
                                      const FindingThresholds& thresholds);

}  // namespace fnprof
