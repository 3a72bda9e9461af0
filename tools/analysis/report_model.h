// The report model: everything a format shows, computed once per run of
// perf-report, so that every format shows the same rows.
//
//   Profile (model/)  --build_report-->  Report  --format.write-->  bytes
//
// A Report holds the profile and what is judged or ranked over it: the
// findings, the leak report, the function rankings, the allocation sites as
// the tables show them (merged by naming frame and --stack-depth callers)
// and with their full stacks, and the --callers/--callees views. A format
// lays these out and computes nothing of its own: a row that one format
// shows, every format that has the table shows the same way.
//
// Human-readable formats (text, md, html) show `human_rows()` rows of a
// ranked table (--top, default 20) and say how many they left out;
// machine-readable ones (json, csv) carry every row unless --top was given.
//
//   fnprof::Report report = fnprof::build_report(profile, options);
//   for (size_t i : report.table_rows(report.shown_sites)) ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/findings.h"
#include "analysis/leaks.h"
#include "model/call_views.h"
#include "model/frame_table.h"
#include "model/heap_profile.h"
#include "model/profile.h"

namespace fnprof {

// What the folded stacks count: self time per call path, or calls; or, per
// allocation stack, bytes allocated or allocations.
enum class FoldedValue { Time, Calls, Bytes, Allocations };

// The rows of a ranked table that humans see when --top is not given.
inline constexpr size_t kDefaultTop = 20;

struct ReportOptions {
  SortKey sort = SortKey::Self;
  std::optional<size_t> top;        // --top N: rows of each ranked table
  bool threads = false;             // per-thread tables (and trees with `tree`)
  bool tree = false;                // the calling-context tree
  bool percentiles = false;         // people too see call durations (min, p50, p90, p99, max)
  double min_percent = 1.0;         // tree nodes below this % of the total are cut
  std::string table = "functions";  // csv: which table
  FoldedValue folded_value = FoldedValue::Time;
  std::vector<std::string> callers, callees;  // --callers/--callees FUNC
  FindingThresholds thresholds;               // the bottleneck findings
  bool alloc = false;                         // --alloc: only the allocation report
  bool leaks = false;                         // --leaks: only the leak report
  AllocSortKey alloc_sort = AllocSortKey::Bytes;
  size_t stack_depth = 3;  // caller frames shown under each allocation site
};

enum class RowsFor { Humans, Machines };

struct CallViews {
  std::string pattern;          // as the option gave it
  std::vector<CallView> views;  // one per matching function (at most kMaxViewMatches)
};

// Allocation sites as a table for people shows them (sites_as_shown: the
// naming frame and --stack-depth callers, merged when they read alike),
// ranked by --sort's allocation key: those with a value for it first, by
// it, then the rest by bytes allocated.
struct ShownSites {
  std::vector<HeapSite> sites;
  std::vector<size_t> ranking;
  size_t with_value = 0;  // the first ones in `ranking` with a value for the key
};

struct Report {
  const Profile& profile;
  ReportOptions options;

  std::vector<Finding> findings;  // most severe first
  LeakReport leaks;               // empty without allocation data

  ShownSites shown_sites;                // merged over threads and processes
  std::vector<ShownSites> thread_sites;  // one per profile.heap.threads
  // Every site of profile.heap.sites (full stacks, one per stack in the
  // dumps), for the formats that carry every frame, ranked the same way.
  std::vector<size_t> site_ranking;
  std::vector<std::vector<size_t>> thread_site_ranking;  // of each profile.heap.threads' sites

  std::vector<CallViews> callers, callees;  // --callers, --callees

  // Every profiled function and every frame of the allocation stacks, by id.
  FrameTable frames;

  // How many rows of a ranked table `n` long a reader gets.
  size_t rows(size_t n, RowsFor who) const;

  // The functions of `tree` with calls or time, ordered by --sort, cut to
  // rows(…, who).
  std::vector<uint32_t> function_ranking(const CallTree& tree, RowsFor who) const;

  // The first rows(…, who) of a ranking.
  std::vector<size_t> first_rows(const std::vector<size_t>& ranking, RowsFor who) const;

  // The rows of a site table for people: the sites with a value for the
  // sort key, at most --top (default 20) of them.
  std::vector<size_t> table_rows(const ShownSites& shown) const;

  // Its heading: "Top 20 of 422 allocation sites by bytes allocated" (the
  // count of all only when some are left out).
  std::string site_table_title(const ShownSites& shown) const;
};

// Throws std::runtime_error for a --callers/--callees pattern that matches
// no function.
Report build_report(const Profile& profile, const ReportOptions& options);

}  // namespace fnprof
