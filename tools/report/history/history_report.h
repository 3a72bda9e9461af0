// perf-report history's outputs: each lays out a History (compare/history.h).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "compare/history.h"

namespace fnprof {

struct HistoryFormat {
  std::string_view name;
  std::string_view summary;
  void (*write)(std::ostream& out, const History& history, const Catalog& catalog) = nullptr;
};

void write_history_text(std::ostream& out, const History& history, const Catalog& catalog);
void write_history_md(std::ostream& out, const History& history, const Catalog& catalog);
void write_history_json(std::ostream& out, const History& history, const Catalog& catalog);
void write_history_html(std::ostream& out, const History& history, const Catalog& catalog);

// "A step: ...": the rule, in a sentence, for the outputs people read.
std::string step_rule(const History& history);

const std::vector<HistoryFormat>& history_formats();
const HistoryFormat* find_history_format(std::string_view name);

}  // namespace fnprof
