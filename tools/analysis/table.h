// A table of the report, declared once and laid out by every format that
// shows tables (text, md, csv, json, html): its columns say what each value
// is, its rows hold the values themselves, and each format decides only how
// a kind of value reads (a duration as "1.23ms" for people, 0.00123 for
// machines) and which audience's columns it shows.
//
//   Table t{"counters", "Counters", {{"name", "counter", Kind::Name}, {"value", "value", Kind::Signed}}};
//   t.rows.push_back({std::string("rows"), int64_t{3000}});
//
// A new table built in tables.cpp reaches every such format, and csv's
// --table, without a change to any of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace fnprof {

enum class Kind {
  Text,      // as it is
  Name,      // a function's or a user's name: code in md, elided in text
  Count,     // uint64: 1,234,567
  Id,        // uint64 that names something (a pid, a tid): 4242
  Signed,    // int64: -1,234
  Seconds,   // double: 1.23ms
  Percent,   // double, 0-100: 12.3%
  Bytes,     // uint64: 4.2 KiB
  Rate,      // double, per second: 12.35k/s
  Location,  // "file:line"
  Address,   // uint64: 0x1a2b
};

// Who a column is for: people (text, md, html), machines (csv, json), or both.
enum class Audience { Both, Humans, Machines };

struct Column {
  std::string key;    // for machines: csv header, json member
  std::string title;  // for people: the column's heading
  Kind kind = Kind::Text;
  Audience audience = Audience::Both;
  size_t width = 0;  // text: at least this many characters (numbers right-aligned)
  // People: the cell is indented by the depth (uint64) its row holds in the
  // column keyed `indent_by`, nested rows under the row they belong to; each
  // format indents its own way (text with spaces, md with no-break spaces).
  std::string indent_by = {};
};

// An empty value (std::monostate) reads as nothing in every format.
using Value = std::variant<std::monostate, uint64_t, int64_t, double, std::string>;

// Machines get every row; people the first `human_rows` (the top --top of a
// ranked table), and the title counts those.
struct Table {
  std::string name;   // csv --table, json member: "functions"
  std::string title;  // heading for people: "Top 7 functions by self time"
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;
  size_t human_rows = 0;
  bool ranked = false;  // md numbers the rows
};

inline bool shown_to(const Column& column, Audience who) {
  return column.audience == Audience::Both || column.audience == who;
}

// How deep `column`'s cell of row `r` is indented for people (0 when the
// column is not indented).
inline size_t indent_of(const Table& table, const Column& column, size_t r) {
  if (column.indent_by.empty()) return 0;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c].key != column.indent_by) continue;
    const auto* depth = std::get_if<uint64_t>(&table.rows[r][c]);
    return depth ? static_cast<size_t>(*depth) : 0;
  }
  return 0;
}

}  // namespace fnprof
