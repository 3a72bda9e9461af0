#include "compare/diff_table.h"

#include <fmt/format.h>

#include <cmath>

#include "model/display.h"

namespace fnprof {
namespace {

std::string signed_percent(double relative) { return fmt::format("{:+.1f}%", relative * 100); }

bool is_bytes(Measure m) {
  return m == Measure::BytesAllocated || m == Measure::PeakHeap || m == Measure::LeakedBytes ||
         m == Measure::ReachableBytes;
}

std::string count_text(double value) {
  if (value < 0) return "-" + group_digits(static_cast<uint64_t>(std::llround(-value)));
  return group_digits(static_cast<uint64_t>(std::llround(value)));
}

std::string signed_count(double delta) { return (delta < 0 ? "" : "+") + count_text(delta); }

}  // namespace

std::string measure_value_text(Measure measure, double value) {
  if (is_time(measure)) return format_duration(value);
  if (is_bytes(measure)) return format_bytes(static_cast<uint64_t>(std::llround(std::max(0.0, value))));
  return count_text(value);
}

std::string change_text(const Change& c) {
  if (c.kind == ChangeKind::Added) return "added";
  if (c.kind == ChangeKind::Removed) return "removed";
  if (!c.exact) return signed_percent(c.relative);
  double delta = c.new_value - c.base_value;
  std::string amount = is_bytes(c.key.measure) ? format_bytes(static_cast<uint64_t>(std::llround(std::fabs(delta))))
                                               : count_text(std::fabs(delta));
  std::string text = (delta < 0 ? "-" : "+") + amount;
  if (c.base_value != 0) text += " (" + signed_percent(c.relative) + ")";
  return text;
}

std::string evidence_text(const Change& c) {
  if (c.exact) return "exact";
  if (!c.tested) return fmt::format("threshold only ({} run{} a side)", std::min(c.base.size(), c.next.size()),
                                    std::min(c.base.size(), c.next.size()) == 1 ? "" : "s");
  std::string text = fmt::format("p = {:.3g}", c.p);
  if (c.base_value > 0) text += ", " + signed_percent(c.low) + " to " + signed_percent(c.high);
  return text;
}

std::string subject_text(const Change& c, const Catalog& catalog) {
  if (c.key.subject == Subject::Program) return "program";
  return fmt::format("{} {}", subject_name(c.key.subject), catalog.name(c.key.subject, c.key.id));
}

Table changes_table(const std::vector<Change>& changes, const Catalog& catalog, const std::string& name,
                    const std::string& title) {
  Table t{name,
          title,
          {{"severity", "severity", Kind::Text},
           {"change", "change", Kind::Text},
           {"measure", "measure", Kind::Text},
           {"subject", "of", Kind::Text},
           {"name", "name", Kind::Name, Audience::Both, 0, "depth"},
           {"base", "base", Kind::Text},
           {"new", "new", Kind::Text},
           {"evidence", "evidence", Kind::Text},
           {"depth", "depth", Kind::Count, Audience::Machines},
           // What the page sorts by: the values behind the text.
           {"severity_rank", "severity rank", Kind::Count, Audience::Machines},
           {"relative", "relative", Kind::Percent, Audience::Machines},
           {"base_value", "base value", Kind::Percent, Audience::Machines},
           {"new_value", "new value", Kind::Percent, Audience::Machines}}};
  for (const Change& c : changes) {
    t.rows.push_back({std::string(severity_name(c.severity)), change_text(c),
                      std::string(measure_name(c.key.measure)), std::string(subject_name(c.key.subject)),
                      c.key.subject == Subject::Program ? std::string() : catalog.name(c.key.subject, c.key.id),
                      measure_value_text(c.key.measure, c.base_value), measure_value_text(c.key.measure, c.new_value),
                      evidence_text(c), uint64_t{0}, static_cast<uint64_t>(c.severity),
                      std::isinf(c.relative) ? 1e300 : c.relative, c.base_value, c.new_value});
    for (const Change::Context& x : c.contexts)
      t.rows.push_back({std::monostate{}, signed_count(x.next - x.base), std::string("calls"), std::string("context"),
                        catalog.name(Subject::Context, x.context), count_text(x.base), count_text(x.next),
                        std::monostate{}, uint64_t{1}, std::monostate{}, std::monostate{}, x.base, x.next});
  }
  t.human_rows = t.rows.size();
  return t;
}

std::vector<Table> diff_tables(const Diff& diff, const Catalog& catalog) {
  const std::pair<const std::vector<Change>*, const char*> lists[] = {
      {&diff.regressions, "Regressions, worst first"},
      {&diff.improvements, "Improvements"},
      {&diff.neutral, "Changes of neutral counters"},
  };
  std::vector<Table> tables;
  for (const auto& [changes, title] : lists)
    if (!changes->empty()) tables.push_back(changes_table(*changes, catalog, "changes", title));
  return tables;
}

}  // namespace fnprof
