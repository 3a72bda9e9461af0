// A history as one self-contained page: the rule, then a row per series
// with its first and last value and a sparkline chart of every run (a dot
// per run, its label and value in the tooltip; a stepped series marks the
// first run at the new level and draws the medians before and after it).
// Stepped series come first: they are what the reader came for.
#include <fmt/ostream.h>

#include <algorithm>
#include <filesystem>

#include "compare/diff_table.h"
#include "compare/history_table.h"
#include "report/history/history_report.h"
#include "report/report.h"

namespace fnprof {
namespace {

constexpr double kChartWidth = 360, kChartHeight = 40, kMargin = 4;

constexpr const char* kStyle = R"(body{font:14px system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px}p.note{color:#555}table{border-collapse:collapse}
th,td{padding:3px 10px;text-align:left;white-space:nowrap;vertical-align:middle}
th{border-bottom:2px solid #888}tr{border-bottom:1px solid #eee}td.name{font-family:monospace}
tr.stepped td.step{color:#b00;font-weight:600}
svg .line{fill:none;stroke:#47a;stroke-width:1.5}svg circle{fill:#47a}svg circle:hover{fill:#e70}
svg .median{stroke:#b00;stroke-width:1;stroke-dasharray:3 2}svg .at{stroke:#b00;stroke-width:1})";

// The chart of one series: x by run, y between the series' lowest and
// highest value (flat in the middle when all are equal).
void write_chart(std::ostream& out, const History& history, const Series& s) {
  const std::vector<double>& v = s.values;
  const auto bounds = std::minmax_element(v.begin(), v.end());
  const double lo = *bounds.first, span = *bounds.second - lo;
  auto x = [&](size_t run) {
    return v.size() < 2 ? kChartWidth / 2
                        : kMargin + (kChartWidth - 2 * kMargin) * static_cast<double>(run) / static_cast<double>(v.size() - 1);
  };
  auto y = [&](double value) {
    return span > 0 ? kChartHeight - kMargin - (kChartHeight - 2 * kMargin) * (value - lo) / span : kChartHeight / 2;
  };
  fmt::print(out, "<svg width=\"{}\" height=\"{}\">", kChartWidth, kChartHeight);
  if (s.step) {
    const size_t at = s.step->run;
    fmt::print(out, "<line class=\"at\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"0\" y2=\"{1}\"/>", x(at), kChartHeight);
    fmt::print(out, "<line class=\"median\" x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\"/>", x(0),
               x(at - 1), y(s.step->before));
    fmt::print(out, "<line class=\"median\" x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\"/>", x(at),
               x(v.size() - 1), y(s.step->after));
  }
  out << "<polyline class=\"line\" points=\"";
  for (size_t r = 0; r < v.size(); ++r) fmt::print(out, "{}{:.1f},{:.1f}", r ? " " : "", x(r), y(v[r]));
  out << "\"/>";
  for (size_t r = 0; r < v.size(); ++r) {
    const std::string run = std::filesystem::path(history.labels[r]).filename().string();
    fmt::print(out, "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\"><title>run {} ({}): {}</title></circle>", x(r),
               y(v[r]), r + 1, html_escape(run), html_escape(measure_value_text(s.key.measure, v[r])));
  }
  out << "</svg>";
}

}  // namespace

void write_history_html(std::ostream& out, const History& history, const Catalog& catalog) {
  std::vector<const Series*> order;
  for (const Series& s : history.series) order.push_back(&s);
  std::stable_partition(order.begin(), order.end(), [](const Series* s) { return s->step.has_value(); });
  const size_t steps = static_cast<size_t>(
      std::count_if(order.begin(), order.end(), [](const Series* s) { return s->step.has_value(); }));

  fmt::print(out, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>fnprof history</title><style>{}</style>"
                  "</head><body>\n", kStyle);
  fmt::print(out, "<h1>fnprof history: {} runs, {} series, {} stepped</h1>\n", history.labels.size(),
             history.series.size(), steps);
  fmt::print(out, "<p class=\"note\">{} Oldest run on the left; a dot's tooltip names its run. Stepped series "
                  "first.</p>\n", html_escape(step_rule(history)));
  out << "<table>\n<thead><tr><th>of</th><th>name</th><th>measure</th><th>first</th><th>last</th><th>runs</th>"
         "<th>stepped at</th></tr></thead>\n<tbody>\n";
  for (const Series* s : order) {
    const std::string name = s->key.subject == Subject::Program ? "" : catalog.name(s->key.subject, s->key.id);
    fmt::print(out, "<tr{}><td>{}</td><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>",
               s->step ? " class=\"stepped\"" : "", subject_name(s->key.subject), html_escape(name),
               measure_name(s->key.measure), html_escape(measure_value_text(s->key.measure, s->values.front())),
               html_escape(measure_value_text(s->key.measure, s->values.back())));
    write_chart(out, history, *s);
    fmt::print(out, "</td><td class=\"step\">{}</td></tr>\n", html_escape(step_text(history, *s)));
  }
  out << "</tbody></table>\n</body></html>\n";
}

}  // namespace fnprof
