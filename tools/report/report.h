// The report writers and what they share: the options perf-report passes
// through, the registry of output formats, and the tree walks the writers
// lay out.
//
// Each format is one file in formats/ that registers itself:
//
//   const FormatRegistration kFolded{{"folded", "flame graph stacks", false, write_folded}};
//
// so perf-report's --format, its --help and write_report() know every format
// without a list to keep. formats/ is an object library, so no registration
// is dropped by the linker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/report_model.h"
#include "model/display.h"
#include "model/heap_profile.h"
#include "model/profile.h"
#include "model/recursion.h"

namespace fnprof {

// An output format: its --format name, a few words for --help, whether it is
// binary (never written to a terminal), and its writer. A writer throws
// std::runtime_error (one line, naming the dump) when it cannot show what was
// asked, e.g. a csv table whose data the dumps do not hold.
struct ReportFormat {
  std::string_view name;
  std::string_view summary;
  bool binary = false;
  void (*write)(std::ostream& out, const Report& report) = nullptr;
};

struct FormatRegistration {
  explicit FormatRegistration(const ReportFormat& format);
};

// Every registered format, by name.
const std::vector<ReportFormat>& report_formats();

// The format called `name`, or nullptr.
const ReportFormat* find_report_format(std::string_view name);

// Builds the report of `profile` and writes it in the format called `name`;
// throws std::invalid_argument for an unknown name, and what build_report and
// the writer throw.
void write_report(std::ostream& out, std::string_view name, const Profile& profile, const ReportOptions& options);

// A name as a frame of folded stacks: the format's separators (';', line
// breaks) become spaces.
std::string folded_frame(std::string_view name);

// Text for HTML content and attribute values: < > & " ' escaped.
std::string html_escape(std::string_view s);

// The command line as a shell would take it back: "./app -n 3 'a b'".
std::string command_line(const std::vector<std::string>& args);

// Calls visit(node, path) for every node of `tree` but the root, depth-first
// in child order (largest first), where `path` holds the node indices from
// the root's child down to `node` itself.
template <class Visit>
void walk_paths(const CallTree& tree, Visit&& visit) {
  std::vector<uint32_t> path;
  struct Step {
    uint32_t node;
    uint32_t depth;  // of the node; path is cut back to it before visiting
  };
  std::vector<Step> steps;
  const auto& root_children = tree.nodes[0].children;
  for (auto it = root_children.rbegin(); it != root_children.rend(); ++it) steps.push_back({*it, 0});
  while (!steps.empty()) {
    Step step = steps.back();
    steps.pop_back();
    path.resize(step.depth);
    path.push_back(step.node);
    visit(step.node, static_cast<const std::vector<uint32_t>&>(path));
    const auto& children = tree.nodes[step.node].children;
    for (auto it = children.rbegin(); it != children.rend(); ++it) steps.push_back({*it, step.depth + 1});
  }
}

// The tree views indent a row two spaces a level, up to this many levels;
// deeper rows carry their depth instead ("[40] "), so no line's length grows
// with the depth of the tree.
inline constexpr size_t kMaxIndentLevels = 32;

inline std::string tree_indent(size_t depth) {
  if (depth <= kMaxIndentLevels) return std::string(2 * depth, ' ');
  return std::string(2 * kMaxIndentLevels, ' ') + "[" + std::to_string(depth) + "] ";
}

// Frames of one call path at most, in the formats that write every path
// whole (folded stacks, pprof samples); a deeper path keeps its innermost
// frames, where its self time is. Recursion is folded first (recursion.h),
// so only a path through that many distinct calls is cut, and the output
// stays linear in the tree.
inline constexpr size_t kMaxPathFrames = 128;

// Visits a tree depth-first for printing: children in their stored order,
// each child `keep` rejects skipped with its subtree and counted. Calls
// row(node, depth) for every node kept below `root` (depth 0: its children).
// Returns the number of skipped children.
template <class Children, class Keep, class Row>
size_t print_tree(uint32_t root, Children&& children_of, Keep&& keep, Row&& row) {
  size_t hidden = 0;
  struct Step {
    uint32_t node;
    size_t depth;
  };
  std::vector<Step> steps;
  // Pushed in reverse, to pop in order.
  auto push_children = [&](uint32_t node, size_t depth) {
    const auto& children = children_of(node);
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      if (keep(*it))
        steps.push_back({*it, depth});
      else
        ++hidden;
    }
  };
  push_children(root, 0);
  while (!steps.empty()) {
    Step step = steps.back();
    steps.pop_back();
    row(step.node, step.depth);
    push_children(step.node, step.depth + 1);
  }
  return hidden;
}

}  // namespace fnprof
