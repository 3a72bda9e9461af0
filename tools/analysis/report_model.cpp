// Builds the report model; see report_model.h.
#include "analysis/report_model.h"

#include <fmt/format.h>

#include <algorithm>

namespace fnprof {
namespace {

// Every site, those with a value for `key` first (by it), then the rest by
// bytes allocated; `with_value` (when given) gets how many have one.
std::vector<size_t> ranked_sites(const std::vector<HeapSite>& sites, AllocSortKey key, bool scanned,
                                 size_t* with_value = nullptr) {
  std::vector<size_t> ids = top_sites(sites, key, SIZE_MAX, scanned);
  if (with_value) *with_value = ids.size();
  std::vector<bool> listed(sites.size());
  for (size_t i : ids) listed[i] = true;
  std::vector<size_t> rest;
  for (size_t i = 0; i < sites.size(); ++i)
    if (!listed[i]) rest.push_back(i);
  std::stable_sort(rest.begin(), rest.end(), [&](size_t a, size_t b) {
    return sites[a].counts.bytes_allocated > sites[b].counts.bytes_allocated;
  });
  ids.insert(ids.end(), rest.begin(), rest.end());
  return ids;
}

std::string_view alloc_sort_title(AllocSortKey key) {
  switch (key) {
    case AllocSortKey::Bytes: return "bytes allocated";
    case AllocSortKey::Count: return "allocations";
    case AllocSortKey::Peak: return "share of the peak heap";
    case AllocSortKey::Leaked: return "bytes leaked";
    case AllocSortKey::Temporary: return "temporary allocations";
  }
  return "?";
}

}  // namespace

size_t Report::rows(size_t n, RowsFor who) const {
  const size_t limit = options.top ? *options.top : who == RowsFor::Humans ? kDefaultTop : SIZE_MAX;
  return std::min(n, limit);
}

std::vector<uint32_t> Report::function_ranking(const CallTree& tree, RowsFor who) const {
  std::vector<uint32_t> ids = top_functions(profile, tree.functions, options.sort, SIZE_MAX);
  ids.resize(rows(ids.size(), who));
  return ids;
}

std::vector<size_t> Report::first_rows(const std::vector<size_t>& ranking, RowsFor who) const {
  return {ranking.begin(), ranking.begin() + static_cast<ptrdiff_t>(rows(ranking.size(), who))};
}

std::string Report::site_table_title(const ShownSites& shown) const {
  const size_t shown_rows = rows(shown.with_value, RowsFor::Humans);
  return fmt::format("Top {}{} allocation sites by {}", shown_rows,
                     shown_rows < shown.with_value ? fmt::format(" of {}", shown.with_value) : "",
                     alloc_sort_title(options.alloc_sort));
}

std::vector<size_t> Report::table_rows(const ShownSites& shown) const {
  return {shown.ranking.begin(),
          shown.ranking.begin() + static_cast<ptrdiff_t>(rows(shown.with_value, RowsFor::Humans))};
}


Report build_report(const Profile& profile, const ReportOptions& options) {
  Report report{profile, options, {}, {}, {}, {}, {}, {}, {}, {}, {}};
  if (profile.heap.present) {
    report.leaks = find_leaks(profile.heap);
    auto shown = [&](const std::vector<HeapSite>& sites) {
      ShownSites out{sites_as_shown(sites, options.stack_depth), {}, 0};
      out.ranking = ranked_sites(out.sites, options.alloc_sort, profile.heap.scanned, &out.with_value);
      return out;
    };
    report.shown_sites = shown(profile.heap.sites);
    for (const ThreadHeap& thread : profile.heap.threads) {
      report.thread_sites.push_back(shown(thread.sites));
      report.thread_site_ranking.push_back(ranked_sites(thread.sites, options.alloc_sort, profile.heap.scanned));
    }
    report.site_ranking = ranked_sites(profile.heap.sites, options.alloc_sort, profile.heap.scanned);
  }
  report.findings = find_bottlenecks(profile, report.leaks, options.thresholds);
  for (bool callers : {true, false}) {
    for (const std::string& pattern : callers ? options.callers : options.callees) {
      CallViews views{pattern, {}};
      for (uint32_t id : functions_for_view(profile, pattern, callers ? "--callers" : "--callees"))
        views.views.push_back(call_view(profile, profile.merged, id));
      (callers ? report.callers : report.callees).push_back(std::move(views));
    }
  }
  for (const ProfiledFunction& f : profile.functions) report.frames.add_stack({f.symbol});
  for (const HeapSite& site : profile.heap.sites) report.frames.add_stack(site.frames);
  return report;
}

}  // namespace fnprof
