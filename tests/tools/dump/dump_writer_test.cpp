// write_dump against read_dump: what it writes reads back field for field,
// merged runs included, and a merged dump's bad records are reported like
// any section's.
#include "dump/dump_writer.h"

#include <gtest/gtest.h>

#include <cstring>

#include "dump_builder.h"
#include "sample_dump.h"

namespace fnprof {
namespace {

using testing::sample_dump;
using testing::temp_path;

MergedFigures sample_figures() {
  MergedFigures m;
  m.runs = {{"a.fnp", 10, format::kRunHasCalls}, {"b.fnp", 20, format::kRunHasCalls | format::kRunHasHeap}};
  m.subjects = {{1, "main\n", 0, 0, 0}, {1, "work\nlibw.so", 0, 0, 0}, {5, "items", 0, 0, 1},
                {2, "", 0, 1, 0}, {2, "", 4, 2, 0}};
  m.figures = {{0, 0, true, {{0, 12}}}, {2, 1, false, {{0, 0.25}, {1, 0.5}}}, {5, 0, false, {{1, 3}}}};
  return m;
}

TEST(DumpWriter, WhatItWritesReadsBackAndWritesTheSameBytes) {
  Dump d = sample_dump();
  d.merged = sample_figures();
  const std::vector<uint8_t> bytes = encode_dump(d);
  Dump back = read_dump("written.fnp", bytes);
  EXPECT_EQ(back.warnings, std::vector<std::string>{});
  EXPECT_EQ(back.process.args, d.process.args);
  EXPECT_EQ(back.process.end_ticks, 7000u);
  ASSERT_EQ(back.threads.size(), 2u);
  ASSERT_EQ(back.threads[0].nodes.size(), 5u);
  EXPECT_EQ(back.threads[0].nodes[3].parent, 2u);
  EXPECT_EQ(back.threads[0].nodes[3].func, 0x5500'0000'2800u);
  EXPECT_EQ(back.threads[0].nodes[3].incl_ticks, 300u);
  ASSERT_EQ(back.alloc.stacks.size(), 2u);
  EXPECT_EQ(back.alloc.stacks[1].id, 9u);
  EXPECT_EQ(back.alloc.stacks[1].frames, d.alloc.stacks[1].frames);
  ASSERT_EQ(back.alloc.sites.size(), 2u);
  EXPECT_EQ(back.alloc.sites[1].size_histogram, d.alloc.sites[1].size_histogram);
  EXPECT_EQ(back.alloc.summary.untracked_frees, 1u);
  EXPECT_EQ(back.api.strings, d.api.strings);
  ASSERT_EQ(back.api.phases.size(), 1u);
  EXPECT_EQ(back.api.phases[0].phases[2].parent, 0);
  EXPECT_EQ(back.api.phases[0].phases[2].begin_ticks, 5400u);
  ASSERT_EQ(back.api.counters.size(), 2u);
  EXPECT_EQ(back.api.counters[1].max, 9);
  ASSERT_EQ(back.merged.runs.size(), 2u);
  EXPECT_EQ(back.merged.runs[1].label, "b.fnp");
  EXPECT_EQ(back.merged.runs[1].flags, format::kRunHasCalls | format::kRunHasHeap);
  ASSERT_EQ(back.merged.subjects.size(), 5u);
  EXPECT_EQ(back.merged.subjects[1].key, "work\nlibw.so");
  EXPECT_EQ(back.merged.subjects[4].parent, 4u);
  EXPECT_EQ(back.merged.subjects[4].function, 2u);
  ASSERT_EQ(back.merged.figures.size(), 3u);
  EXPECT_TRUE(back.merged.figures[0].every_run);
  EXPECT_EQ(back.merged.figures[1].values, (std::vector<std::pair<uint32_t, double>>{{0, 0.25}, {1, 0.5}}));
  EXPECT_EQ(back.merged.figures[2].values, (std::vector<std::pair<uint32_t, double>>{{1, 3}}));
  // Every field the reader gave back is the one written: encoding it again
  // gives the same bytes.
  EXPECT_EQ(encode_dump(back), bytes);
}

TEST(DumpWriter, AnUnwritableFileIsOneLine) {
  try {
    write_dump("/nonexistent/dir/m.fnp", sample_dump());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/dir/m.fnp: cannot open for writing: No such file or directory");
  }
}

std::string error_of(const Dump& d, const std::string& name) {
  std::vector<uint8_t> bytes = encode_dump(d);
  try {
    read_dump(name, bytes);
  } catch (const DumpError& e) {
    std::string error = e.what();
    size_t at = error.find(" at byte ");
    return at == std::string::npos ? error : error.substr(0, at) + error.substr(error.find(" (", at));
  }
  return "(no error)";
}

TEST(DumpWriterErrors, MergedSectionsReferOnlyToWhatCameBefore) {
  Dump d = sample_dump();
  d.merged = sample_figures();
  d.merged.subjects[3].parent = 5;  // a context called from a later one
  EXPECT_EQ(error_of(d, "later.fnp"), "later.fnp: corrupt section 'figure-subjects' (context subject 4 refers to no earlier subject)");
  d.merged = sample_figures();
  d.merged.subjects[3].function = 3;  // a counter, not a function
  EXPECT_EQ(error_of(d, "kind.fnp"), "kind.fnp: corrupt section 'figure-subjects' (context subject 4 refers to no earlier subject)");
  d.merged = sample_figures();
  d.merged.figures[2].values = {{2, 1}};  // two runs: 0 and 1
  EXPECT_EQ(error_of(d, "run.fnp"), "run.fnp: corrupt section 'run-figures' (figure of an unknown run)");
  d.merged = sample_figures();
  d.merged.figures[2].subject = 6;
  EXPECT_EQ(error_of(d, "subject.fnp"), "subject.fnp: corrupt section 'run-figures' (figure of an unknown subject)");
  d.merged = sample_figures();
  d.merged.figures[0].values = {{0, 1}, {1, 1}};  // every run's, yet two values
  EXPECT_EQ(error_of(d, "every.fnp"), "every.fnp: corrupt section 'run-figures' (bad figure record)");
}

}  // namespace
}  // namespace fnprof
