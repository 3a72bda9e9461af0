// A table (analysis/table.h) laid out for a terminal: the columns for
// people, each as wide as its widest cell (at least the column's width),
// numbers right-aligned, two spaces between columns, no trailing blanks.
// Names are elided to kTextNameWidth; paths under the current directory are
// shown relative to it; an indented column (Column::indent_by) gets two
// spaces per level.
#pragma once

#include <ostream>

#include "analysis/table.h"

namespace fnprof {

inline constexpr size_t kTextNameWidth = 60;

// The heading row and the first table.human_rows rows.
void write_text_table(std::ostream& out, const Table& table);

}  // namespace fnprof
