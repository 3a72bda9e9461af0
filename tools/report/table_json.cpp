// A table as JSON; see table_json.h.
#include "report/table_json.h"

#include "report/values.h"

namespace fnprof {

using nlohmann::json;

json machine_rows_json(const Table& table) {
  json rows = json::array();
  for (const auto& row : table.rows) {
    json object = json::object();
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Column& column = table.columns[c];
      if (!shown_to(column, Audience::Machines)) continue;
      const Value& v = row[c];
      if (std::holds_alternative<std::monostate>(v)) continue;
      if (column.kind == Kind::Address) object[column.key] = machine_text(column.kind, v);
      else if (auto* u = std::get_if<uint64_t>(&v)) object[column.key] = *u;
      else if (auto* i = std::get_if<int64_t>(&v)) object[column.key] = *i;
      else if (auto* d = std::get_if<double>(&v)) object[column.key] = *d;
      else object[column.key] = std::get<std::string>(v);
    }
    rows.push_back(std::move(object));
  }
  return rows;
}

json human_table_json(const Table& table) {
  json columns = json::array(), rows = json::array(), indent = json::array();
  bool indented = false;
  for (const Column& c : table.columns)
    if (shown_to(c, Audience::Humans)) columns.push_back({{"title", c.title}, {"text", !right_aligned(c.kind)}});
  for (size_t r = 0; r < table.human_rows; ++r) {
    json cells = json::array(), depths = json::array();
    for (const Column& c : table.columns) {
      if (!shown_to(c, Audience::Humans)) continue;
      cells.push_back(human_text(c.kind, table.rows[r][static_cast<size_t>(&c - table.columns.data())]));
      const size_t depth = indent_of(table, c, r);
      indented = indented || depth;
      depths.push_back(depth);
    }
    rows.push_back(std::move(cells));
    indent.push_back(std::move(depths));
  }
  json out = {{"name", table.name}, {"title", table.title}, {"columns", std::move(columns)}, {"rows", std::move(rows)}};
  if (indented) out["indent"] = std::move(indent);
  return out;
}

}  // namespace fnprof
