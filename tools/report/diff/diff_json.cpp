// The diff for scripts: every change with its per-run values, versioned
// (docs/diff.schema.json). Numbers are raw: seconds, bytes, counts.
#include <cmath>
#include <nlohmann/json.hpp>

#include "report/diff/diff_report.h"

namespace fnprof {
namespace {

using nlohmann::json;

constexpr int kDiffJsonVersion = 1;

std::string_view kind_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::Changed: return "changed";
    case ChangeKind::Added: return "added";
    case ChangeKind::Removed: return "removed";
  }
  return "";
}

json change_json(const Change& c, const Catalog& catalog) {
  json j = {{"severity", severity_name(c.severity)},
            {"kind", kind_name(c.kind)},
            {"subject", subject_name(c.key.subject)},
            {"name", catalog.name(c.key.subject, c.key.id)},
            {"measure", measure_name(c.key.measure)},
            {"base", c.base_value},
            {"new", c.new_value},
            {"relative", std::isinf(c.relative) ? json(nullptr) : json(c.relative)},
            {"exact", c.exact},
            {"tested", c.tested},
            {"share", c.share},
            {"base_runs", c.base},
            {"new_runs", c.next}};
  if (c.key.subject == Subject::Function) j["module"] = catalog.module(c.key.subject, c.key.id);
  if (c.tested) {
    j["p"] = c.p;
    if (c.base_value > 0) j["interval"] = {c.low, c.high};
  }
  if (!c.contexts.empty()) {
    json contexts = json::array();
    for (const Change::Context& x : c.contexts)
      contexts.push_back({{"path", catalog.name(Subject::Context, x.context)}, {"base", x.base}, {"new", x.next}});
    j["contexts"] = std::move(contexts);
  }
  return j;
}

json changes_json(const std::vector<Change>& changes, const Catalog& catalog) {
  json list = json::array();
  for (const Change& c : changes) list.push_back(change_json(c, catalog));
  return list;
}

}  // namespace

void write_diff_json(std::ostream& out, const Diff& diff, const Catalog& catalog) {
  json j = {{"fnprof_diff_version", kDiffJsonVersion},
            {"base_runs", diff.base_labels},
            {"new_runs", diff.new_labels},
            {"method",
             {{"alpha", diff.options.alpha},
              {"threshold", diff.options.threshold},
              {"noise_tested", diff.noise_tested},
              {"runs_needed", diff.runs_needed},
              {"text", diff_method(diff)}}},
            {"figures_compared", diff.figures_compared},
            {"regressions", changes_json(diff.regressions, catalog)},
            {"improvements", changes_json(diff.improvements, catalog)},
            {"neutral", changes_json(diff.neutral, catalog)},
            {"notes", diff.notes}};
  out << j.dump(2) << '\n';
}

}  // namespace fnprof
