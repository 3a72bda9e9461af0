// The report writers, one file each (report_text.cpp, report_json.cpp), and
// what they share: the options perf-report passes through and the text
// formatting of durations and long names.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

#include "profile.h"

namespace fnprof {

struct ReportOptions {
  SortKey sort = SortKey::Self;
  size_t top = 20;           // rows of each function table
  bool threads = false;      // per-thread tables (and trees with `tree`)
  bool tree = false;         // the calling-context tree
  double min_percent = 1.0;  // tree nodes below this % of the total are cut
};

void write_text_report(std::ostream& out, const Profile& profile, const ReportOptions& options);
void write_json_report(std::ostream& out, const Profile& profile, const ReportOptions& options);

// "0", "12ns", "3.40µs", "12.3ms", "1.23s", "4m 5.67s", "2h 3m 4s".
std::string format_duration(double seconds);

// `name` cut to at most `width` characters (code points): parameter lists and
// then template arguments collapse to "(…)" and "<…>", and what is still too
// long keeps its end, where the function's own name is.
std::string elide_name(std::string_view name, size_t width);

}  // namespace fnprof
