// A table laid out for a terminal; see text_table.h.
#include "report/formats/text_table.h"

#include <fmt/format.h>
#include <unistd.h>

#include <memory>

#include "model/display.h"
#include "report/values.h"

namespace fnprof {
namespace {

std::string short_path(const std::string& file) {
  static const std::string cwd = [] {
    std::unique_ptr<char, void (*)(void*)> dir(getcwd(nullptr, 0), free);
    return dir ? std::string(dir.get()) + "/" : std::string();
  }();
  if (!cwd.empty() && file.starts_with(cwd)) return file.substr(cwd.size());
  return file;
}

std::string cell(const Column& column, const Value& value) {
  std::string text = human_text(column.kind, value);
  if (column.kind == Kind::Name) return elide_name(text, kTextNameWidth);
  if (column.kind == Kind::Location) return short_path(text);
  return text;
}

}  // namespace

void write_text_table(std::ostream& out, const Table& table) {
  std::vector<const Column*> columns;
  std::vector<size_t> index;
  for (size_t c = 0; c < table.columns.size(); ++c)
    if (shown_to(table.columns[c], Audience::Humans)) columns.push_back(&table.columns[c]), index.push_back(c);

  std::vector<std::vector<std::string>> rows(1);
  for (const Column* column : columns) rows[0].push_back(column->title);
  for (size_t r = 0; r < table.human_rows; ++r) {
    rows.emplace_back();
    for (size_t c : index)
      rows.back().push_back(std::string(2 * indent_of(table, table.columns[c], r), ' ') +
                            cell(table.columns[c], table.rows[r][c]));
  }
  std::vector<size_t> widths(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    widths[c] = columns[c]->width;
    for (const auto& row : rows) widths[c] = std::max(widths[c], code_points(row[c]));
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c) line += "  ";
      // fmt pads by code points, so "…" and "µ" keep the columns aligned.
      line += right_aligned(columns[c]->kind) ? fmt::format("{:>{}}", row[c], widths[c])
                                              : fmt::format("{:<{}}", row[c], widths[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

}  // namespace fnprof
