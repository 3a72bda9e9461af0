// How a table's values (analysis/table.h) read, for people (text, md, html)
// and for machines (csv), by the kind of their column. Formats add their own
// quoting and layout on top.
#pragma once

#include <string>

#include "analysis/table.h"

namespace fnprof {

// "1,234", "1.23ms", "12.3%", "4.2 KiB", "12.35k/s", "0x1a2b"; "" for an empty value.
std::string human_text(Kind kind, const Value& value);

// "1234", "0.00123" (12 significant digits for seconds), "12.3456" (6 for
// percentages and rates), "0x1a2b"; "" for an empty value.
std::string machine_text(Kind kind, const Value& value);

// Numbers read right-aligned.
bool right_aligned(Kind kind);

}  // namespace fnprof
