// Markdown markup shared by the md formats; see md_table.h.
#include "report/formats/md_table.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/values.h"

namespace fnprof {

// A code span that holds `s` whatever backticks it contains.
std::string md_code(std::string_view s) {
  size_t run = 0, longest = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(longest + 1, '`');
  std::string body;
  for (char c : s) {
    if (c == '|') body += '\\';
    body += c == '\n' ? ' ' : c;
  }
  // A span starting or ending with a backtick needs a space inside the fence.
  bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

// Prose: Markdown's punctuation escaped.
std::string md_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\`*_[]<>|#").find(c) != std::string_view::npos) out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

// The table's columns for people; names and locations as code, other text
// escaped; ranked tables numbered.
void write_md_table(std::ostream& out, const Table& table) {
  std::string head = table.ranked ? "| #" : "", rule = table.ranked ? "|--:" : "";
  for (const Column& c : table.columns) {
    if (!shown_to(c, Audience::Humans)) continue;
    head += " | " + c.title;
    rule += right_aligned(c.kind) ? "|--:" : "|---";
  }
  out << (table.ranked ? head : head.substr(1)) << " |\n" << rule << "|\n";
  for (size_t r = 0; r < table.human_rows; ++r) {
    std::string line = table.ranked ? fmt::format("| {}", r + 1) : "";
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Column& column = table.columns[c];
      if (!shown_to(column, Audience::Humans)) continue;
      std::string cell = human_text(column.kind, table.rows[r][c]);
      if (column.kind == Kind::Name || column.kind == Kind::Location)
        cell = cell.empty() ? cell : md_code(cell);
      else
        cell = md_text(cell);
      // Leading spaces are dropped from a cell; no-break spaces are not.
      std::string indent;
      for (size_t i = 0; i < 2 * indent_of(table, column, r); ++i) indent += "\u00a0";
      line += " | " + indent + cell;
    }
    out << (table.ranked ? line : line.substr(1)) << " |\n";
  }
}

}  // namespace fnprof
