// The diff as one self-contained page: the verdict and the method, each
// table of changes (a click on a heading sorts by that column, a change and
// its contexts moving together), and a differential flame graph of the
// calling contexts: widths from the new runs' inclusive time, colour from
// its change against the base (red slower, blue faster, grey unchanged or
// below the graph's resolution), every frame's figures in its tooltip.
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "compare/diff_table.h"
#include "model/display.h"
#include "report/diff/diff_report.h"
#include "report/report.h"
#include "report/values.h"

namespace fnprof {
namespace {

constexpr double kGraphWidth = 1200, kRowHeight = 17;
constexpr size_t kGraphDepth = 64;    // rows drawn; deeper contexts are left out (and said)
constexpr double kMinFrameWidth = 0.5;  // pixels

constexpr const char* kStyle = R"(body{font:14px system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse}th,td{padding:3px 10px;text-align:left;white-space:nowrap}
th{cursor:pointer;border-bottom:2px solid #888}th:hover{background:#eee}
tbody{border-bottom:1px solid #ddd}td.num{text-align:right}td.name{font-family:monospace}
svg text{font:11px monospace;pointer-events:none}p.note{color:#555})";

// Sorting: the rows of one change live in one tbody, which moves as a whole;
// a cell's data-v is its value for sorting, else its text.
constexpr const char* kScript = R"(for (const table of document.querySelectorAll('table.changes')) {
  table.querySelectorAll('th').forEach((th, column) => th.addEventListener('click', () => {
    const down = th.dataset.down !== '1';
    table.querySelectorAll('th').forEach(h => delete h.dataset.down);
    if (down) th.dataset.down = '1';
    const key = b => { const c = b.rows[0].cells[column]; return c.dataset.v !== undefined ? parseFloat(c.dataset.v) : c.textContent; };
    const bodies = [...table.tBodies];
    bodies.sort((a, b) => { const x = key(a), y = key(b); const o = x < y ? -1 : x > y ? 1 : 0; return down ? -o : o; });
    for (const b of bodies) table.appendChild(b);
  }));
})";

const std::map<std::string, std::string> kSortBy = {
    {"severity", "severity_rank"}, {"change", "relative"}, {"base", "base_value"}, {"new", "new_value"}};

void write_table(std::ostream& out, const Table& t) {
  std::map<std::string, size_t> column_of;
  for (size_t c = 0; c < t.columns.size(); ++c) column_of[t.columns[c].key] = c;
  fmt::print(out, "<h2>{}</h2>\n<table class=\"changes\">\n<thead><tr>", html_escape(t.title));
  for (const Column& c : t.columns)
    if (shown_to(c, Audience::Humans)) fmt::print(out, "<th>{}</th>", html_escape(c.title));
  out << "</tr></thead>\n";
  for (size_t r = 0; r < t.human_rows; ++r) {
    bool starts_change = indent_of(t, t.columns[column_of.at("name")], r) == 0;
    if (starts_change) out << (r ? "</tbody>\n" : "") << "<tbody>";
    out << "<tr>";
    for (const Column& c : t.columns) {
      if (!shown_to(c, Audience::Humans)) continue;
      std::string attributes;
      if (auto by = kSortBy.find(c.key); by != kSortBy.end()) {
        const Value& v = t.rows[r][column_of.at(by->second)];
        if (auto* d = std::get_if<double>(&v)) attributes = fmt::format(" data-v=\"{}\"", *d);
        if (auto* u = std::get_if<uint64_t>(&v)) attributes = fmt::format(" data-v=\"{}\"", *u);
      }
      if (c.kind == Kind::Name) attributes += " class=\"name\"";
      size_t depth = indent_of(t, c, r);
      if (depth) attributes += fmt::format(" style=\"padding-left:{}px\"", 10 + 20 * depth);
      fmt::print(out, "<td{}>{}</td>", attributes, html_escape(human_text(c.kind, t.rows[r][static_cast<size_t>(&c - t.columns.data())])));
    }
    out << "</tr>";
  }
  if (t.human_rows) out << "</tbody>\n";
  out << "</table>\n";
}

struct Frame {
  uint32_t context;
  double base = 0, next = 0;  // inclusive
  std::vector<size_t> children;
};

std::string fill(double base, double next) {
  if (base <= 0 && next <= 0) return "#ccc";
  double change = base > 0 ? next / base - 1 : 1;
  double strength = std::min(1.0, std::fabs(change) / 0.5);  // full colour at +-50%
  int light = static_cast<int>(std::lround(225 - 150 * strength));
  if (std::fabs(change) < 0.01) return "#d8d8d8";
  return change > 0 ? fmt::format("rgb(235,{},{})", light, light) : fmt::format("rgb({},{},235)", light, light);
}

void write_flame_graph(std::ostream& out, const Diff& diff, const Catalog& catalog) {
  // Inclusive time per context, from the self times: a child's id is always
  // larger than its parent's, so one pass from the largest id adds each
  // context into its parent.
  std::vector<Frame> frames;
  std::map<uint32_t, size_t> index;
  std::vector<Diff::ContextTime> times = diff.context_self;
  std::sort(times.begin(), times.end(), [](const auto& a, const auto& b) { return a.context < b.context; });
  for (const Diff::ContextTime& t : times) {
    index[t.context] = frames.size();
    frames.push_back({t.context, t.base, t.next, {}});
  }
  std::vector<size_t> roots;
  for (size_t i = frames.size(); i-- > 0;) {
    auto parent = index.find(catalog.context_parent(frames[i].context));
    if (parent == index.end()) {
      roots.push_back(i);
      continue;
    }
    frames[parent->second].base += frames[i].base;
    frames[parent->second].next += frames[i].next;
    frames[parent->second].children.push_back(i);
  }
  double total = 0;
  for (size_t r : roots) total += frames[r].next;
  if (total <= 0) return;

  out << "<h2>Differential flame graph</h2>\n<p class=\"note\">Width: inclusive time in the new runs (medians); "
         "colour: its change against the base, red slower, blue faster (full at 50%).</p>\n";
  std::string body;
  size_t rows = 0, hidden = 0;
  struct Step {
    size_t frame;
    double x;
    size_t depth;
  };
  std::vector<Step> steps;
  double x = 0;
  for (size_t r : roots) {
    steps.push_back({r, x, 0});
    x += frames[r].next / total * kGraphWidth;
  }
  while (!steps.empty()) {
    Step s = steps.back();
    steps.pop_back();
    const Frame& f = frames[s.frame];
    double width = f.next / total * kGraphWidth;
    if (width < kMinFrameWidth) continue;
    if (s.depth >= kGraphDepth) {
      ++hidden;
      continue;
    }
    rows = std::max(rows, s.depth + 1);
    const std::string name = catalog.name(Subject::Function, catalog.context_function(f.context));
    const std::string tip = fmt::format("{}\nbase {}, new {}{}", catalog.context_path(f.context, " > "),
                                        format_duration(f.base), format_duration(f.next),
                                        f.base > 0 ? fmt::format(" ({:+.1f}%)", (f.next / f.base - 1) * 100) : "");
    double y = static_cast<double>(s.depth) * kRowHeight;
    body += fmt::format("<g><title>{}</title><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>",
                        html_escape(tip), s.x, y, width, kRowHeight - 1, fill(f.base, f.next));
    if (width > 40)
      body += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>", s.x + 3, y + 12,
                          html_escape(elide_name(name, static_cast<size_t>((width - 6) / 7))));
    body += "</g>\n";
    double cx = s.x;
    for (size_t c : f.children) {
      steps.push_back({c, cx, s.depth + 1});
      cx += frames[c].next / total * kGraphWidth;
    }
  }
  fmt::print(out, "<svg width=\"{}\" height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n{}</svg>\n", kGraphWidth,
             static_cast<double>(rows) * kRowHeight, body);
  if (hidden) fmt::print(out, "<p class=\"note\">{} frames deeper than {} levels are not drawn.</p>\n", hidden, kGraphDepth);
}

}  // namespace

void write_diff_html(std::ostream& out, const Diff& diff, const Catalog& catalog) {
  fmt::print(out, R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="fnprof perf-report diff">
<title>fnprof diff: {}</title>
<style>{}</style>
</head>
<body>
<h1>fnprof diff: {}</h1>
<p>{} base run{} against {} new run{}. {}</p>
)",
             html_escape(diff_tally(diff)), kStyle, html_escape(diff_tally(diff)), diff.base_labels.size(),
             diff.base_labels.size() == 1 ? "" : "s", diff.new_labels.size(), diff.new_labels.size() == 1 ? "" : "s",
             html_escape(diff_method(diff)));
  for (const std::string& note : diff.notes) fmt::print(out, "<p class=\"note\">{}</p>\n", html_escape(note));
  for (const Table& t : diff_tables(diff, catalog)) write_table(out, t);
  write_flame_graph(out, diff, catalog);
  fmt::print(out, "<script>\n{}\n</script>\n</body>\n</html>\n", kScript);
}

}  // namespace fnprof
