// perf-report diff's outputs: each lays out a Diff (compare/diff.h), one file
// per format; none decides what changed.
//
//   const DiffFormat* f = find_diff_format("md");
//   f->write(std::cout, diff, catalog);
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "compare/diff.h"

namespace fnprof {

struct DiffFormat {
  std::string_view name;
  std::string_view summary;
  void (*write)(std::ostream& out, const Diff& diff, const Catalog& catalog) = nullptr;
};

void write_diff_text(std::ostream& out, const Diff& diff, const Catalog& catalog);
void write_diff_md(std::ostream& out, const Diff& diff, const Catalog& catalog);
void write_diff_json(std::ostream& out, const Diff& diff, const Catalog& catalog);
void write_diff_folded(std::ostream& out, const Diff& diff, const Catalog& catalog);
void write_diff_html(std::ostream& out, const Diff& diff, const Catalog& catalog);

const std::vector<DiffFormat>& diff_formats();
const DiffFormat* find_diff_format(std::string_view name);

// What the diff tested and how, in one sentence: "Calls, allocations, bytes
// and leaks are compared exactly; times by a Mann-Whitney U test ...".
std::string diff_method(const Diff& diff);

// "2 regressions (1 high, 1 low), 1 improvement".
std::string diff_tally(const Diff& diff);

// The worst regression in one line, for the CI gate's message.
std::string worst_change_line(const Diff& diff, const Catalog& catalog);

}  // namespace fnprof
