// perf-report on the shapes that made it quadratic: a function recursing
// 100,000 deep (a 100,000-node chain) and a 200,000-node flat tree. Every
// format renders them, with the totals checked exactly; no timing here, but
// the old code ran out of memory or stack on the chain.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "dump_builder.h"
#include "model/profile.h"
#include "model/recursion.h"
#include "report/report.h"

namespace fnprof {
namespace {

using testing::DumpBuilder;
using testing::TestNode;
using testing::test_process;

constexpr uint32_t kDepth = 100'000;
constexpr uint64_t kMain = 0x1000, kRecurse = 0x2000, kLeaf = 0x3000;

// main -> recurse x kDepth -> leaf, no modules (names are addresses), 1000
// ticks per second: each level of recursion has 1 ms of self time, the leaf
// 5 ms, main 2 ms.
Dump deep_dump() {
  std::vector<TestNode> nodes;
  const uint64_t total = kDepth + 5 + 2;
  nodes.push_back({0, kMain, 1, total});
  for (uint32_t level = 0; level < kDepth; ++level) nodes.push_back({level + 1, kRecurse, 1, total - 2 - level});
  nodes.push_back({kDepth + 1, kLeaf, 1, 5});
  DumpBuilder b;
  b.process(test_process());
  b.thread({4242, "app", 0, total, 0, 0}, nodes);
  b.end();
  return read_dump(b.write("deep.fnp"));
}

std::string render(const Profile& profile, std::string_view format, ReportOptions options) {
  std::ostringstream out;
  write_report(out, format, profile, options);
  return out.str();
}

size_t count_lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

// Built once, by the first test that needs it (the dump's temporary file is
// named after the running test).
const Profile& deep_profile() {
  static const Profile* profile = [] {
    Symbolizer symbolizer;
    return new Profile(build_profile({deep_dump()}, symbolizer));
  }();
  return *profile;
}

ReportOptions tree_options() {
  ReportOptions options;
  options.tree = true;
  options.threads = true;
  options.min_percent = 0;
  return options;
}

TEST(DeepRecursion, FoldsIntoOneNode) {
  CallTree folded = fold_recursion(deep_profile().merged);
  ASSERT_EQ(folded.nodes.size(), 4u);  // root, main, recurse, leaf
  const ProfileNode& recurse = folded.nodes[2];
  EXPECT_EQ(recurse.recursion_depth, kDepth);
  EXPECT_EQ(recurse.calls, kDepth);
  EXPECT_DOUBLE_EQ(recurse.incl_seconds, (kDepth + 5) / 1000.0);
  EXPECT_NEAR(recurse.self_seconds, kDepth / 1000.0, 1e-6);
  ASSERT_EQ(recurse.children.size(), 1u);
  EXPECT_EQ(folded.nodes[recurse.children[0]].calls, 1u);
  EXPECT_EQ(folded_name(deep_profile(), recurse), "0x2000 (recursive, depth 1..100000)");
}

TEST(DeepRecursion, Json) {
  nlohmann::json j = nlohmann::json::parse(render(deep_profile(), "json", tree_options()));
  EXPECT_EQ(j["total_calls"], kDepth + 2);
  uint64_t recurse_calls = 0;
  for (const auto& f : j["functions"])
    if (f["name"] == "0x2000") recurse_calls = f["calls"];
  EXPECT_EQ(recurse_calls, kDepth);
  const auto& main = j["tree"]["children"].at(0);
  const auto& recurse = main["children"].at(0);
  EXPECT_EQ(recurse["function"], "0x2000");
  EXPECT_EQ(recurse["calls"], kDepth);
  EXPECT_EQ(recurse["recursion_depth"], kDepth);
  EXPECT_EQ(recurse["children"].at(0)["function"], "0x3000");
  EXPECT_EQ(j["threads"].at(0)["tree"]["children"].at(0)["children"].at(0)["recursion_depth"], kDepth);
}

TEST(DeepRecursion, TextAndMarkdownTrees) {
  std::string text = render(deep_profile(), "text", tree_options());
  EXPECT_NE(text.find("100,000    0x2000 (recursive, depth 1..100000)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("      1      0x3000\n"), std::string::npos);
  std::string md = render(deep_profile(), "md", tree_options());
  EXPECT_NE(md.find("0x2000 (recursive, depth 1..100000)"), std::string::npos);
  EXPECT_LT(text.size() + md.size(), 100'000u);  // no line per level
}

TEST(DeepRecursion, FoldedStacks) {
  ReportOptions options;
  options.folded_value = FoldedValue::Calls;
  EXPECT_EQ(render(deep_profile(), "folded", options),
            "0x1000 1\n"
            "0x1000;0x2000 (recursive, depth 1..100000) 100000\n"
            "0x1000;0x2000 (recursive, depth 1..100000);0x3000 1\n");
  options.folded_value = FoldedValue::Time;
  EXPECT_EQ(render(deep_profile(), "folded", options),
            "0x1000 2000\n"
            "0x1000;0x2000 (recursive, depth 1..100000) 100000000\n"
            "0x1000;0x2000 (recursive, depth 1..100000);0x3000 5000\n");
}

// The other formats carry every node or are linear already; each renders.
TEST(DeepRecursion, EveryFormatRenders) {
  for (const ReportFormat& format : report_formats()) {
    ReportOptions options = tree_options();
    std::string out = render(deep_profile(), format.name, options);
    EXPECT_FALSE(out.empty()) << format.name;
  }
  std::string callgrind = render(deep_profile(), "callgrind", ReportOptions{});
  // main's call, then the recursion's edge to itself.
  EXPECT_NE(callgrind.find("calls=1 0\n"), std::string::npos) << callgrind;
  EXPECT_NE(callgrind.find("calls=99999 0\n"), std::string::npos) << callgrind;
}

// Indirect recursion does not fold: the indentation caps, paths are cut.
TEST(DeepPaths, IndentationCapsAndPathsAreCut) {
  std::vector<TestNode> nodes;
  constexpr uint32_t kLevels = 1000;
  for (uint32_t level = 0; level < kLevels; ++level)
    nodes.push_back({level, level % 2 ? 0x20u : 0x10u, 1, 2 * kLevels - level});
  DumpBuilder b;
  b.process(test_process());
  b.thread({1, "t", 0, 2 * kLevels, 0, 0}, nodes);
  b.end();
  Symbolizer symbolizer;
  Profile profile = build_profile({read_dump(b.write("alternating.fnp"))}, symbolizer);
  ReportOptions options;
  options.tree = true;
  options.min_percent = 0;
  std::string text = render(profile, "text", options), line;
  EXPECT_NE(text.find(std::string(2 * kMaxIndentLevels, ' ') + "[999] 0x20\n"), std::string::npos);
  size_t longest = 0;
  for (std::istringstream lines(text); std::getline(lines, line);) longest = std::max(longest, line.size());
  EXPECT_LT(longest, 200u);
  // json nests 256 levels; the last one's child is counted, not shown.
  nlohmann::json j = nlohmann::json::parse(render(profile, "json", options));
  EXPECT_EQ(j["max_tree_depth"], 256);
  const nlohmann::json* node = &j["tree"];
  for (int level = 0; level < 256; ++level) {
    ASSERT_EQ((*node)["children"].size(), 1u) << level;
    node = &(*node)["children"][0];
  }
  EXPECT_EQ((*node)["function"], "0x20");
  EXPECT_TRUE((*node)["children"].empty());
  EXPECT_EQ((*node)["hidden_children"], 1);
  options = ReportOptions{};
  options.folded_value = FoldedValue::Calls;
  std::string folded = render(profile, "folded", options);
  EXPECT_EQ(count_lines(folded), kLevels);
  const std::string last = folded.substr(folded.rfind('\n', folded.size() - 2) + 1);
  EXPECT_EQ(last.rfind("[873 outer frames];0x20;0x10;", 0), 0u) << last.substr(0, 100);
  EXPECT_EQ(std::count(last.begin(), last.end(), ';'), static_cast<long>(kMaxPathFrames - 1));
}

// 200,000 distinct functions called from main: one level, as many rows (a
// million take 1.7 GB and 12 s here, linear but too much for a unit test).
TEST(WideTree, TwoHundredThousandNodes) {
  constexpr uint32_t kWidth = 200'000;
  std::vector<TestNode> nodes;
  nodes.push_back({0, 0x1000, 1, 3 * kWidth});
  for (uint32_t i = 0; i < kWidth; ++i) nodes.push_back({1, 0x10'0000 + 16 * uint64_t{i}, 2, 3});
  DumpBuilder b;
  b.process(test_process());
  b.thread({1, "t", 0, 3 * kWidth, 0, 0}, nodes);
  b.end();
  Symbolizer symbolizer;
  Profile profile = build_profile({read_dump(b.write("wide.fnp"))}, symbolizer);
  EXPECT_EQ(profile.merged.total_calls, 2 * uint64_t{kWidth} + 1);
  ReportOptions options;
  options.folded_value = FoldedValue::Calls;
  std::string folded = render(profile, "folded", options);
  EXPECT_EQ(count_lines(folded), kWidth + 1);
  EXPECT_NE(render(profile, "text", ReportOptions{}).find("total calls:  400,001\n"), std::string::npos);
}

}  // namespace
}  // namespace fnprof
