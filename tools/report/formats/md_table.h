// Markdown (GitHub-flavoured) as the md formats write it: code spans that
// hold any name, escaped prose, and a table's rows for people.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "analysis/table.h"

namespace fnprof {

// A code span that holds `s` whatever backticks it contains; `|` escaped, as
// GFM splits table cells before it sees spans.
std::string md_code(std::string_view s);

// Prose: Markdown's punctuation escaped.
std::string md_text(std::string_view s);

// The table's columns for people; names and locations as code, other text
// escaped; ranked tables numbered; indented cells by no-break spaces.
void write_md_table(std::ostream& out, const Table& table);

}  // namespace fnprof
