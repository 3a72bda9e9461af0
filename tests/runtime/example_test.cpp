// The bundled example (examples/), as the README runs it: fnprof's call counts
// for every function equal those of the same program built with counting-only
// hooks, and uftrace's for the same binary.
#include <gtest/gtest.h>

#include <filesystem>

#include "call_counts.h"
#include "dump/dump_reader.h"
#include "model/profile.h"
#include "program_run.h"
#include "symbolize/symbolizer.h"

namespace fnprof::test {
namespace {

const std::string kExample = std::string(FNPROF_EXAMPLES_DIR) + "/fnprof-example";

CallCounts fnprof_counts(const ProgramRun& run, SymbolNames& names) {
  Symbolizer symbolizer;
  return counts_by_symbol(build_profile({read_dump(run.dumps.at(0))}, symbolizer), names);
}

TEST(Example, CallCountsEqualTheCountingBuild) {
  ProgramRun run = run_program(kExample);
  ProgramRun reference = run_program(kExample + "_count");
  EXPECT_EQ(run.status(), "0");
  EXPECT_EQ(run.stdout_text, reference.stdout_text);
  ASSERT_EQ(run.dumps.size(), 1u);
  SymbolNames names;
  CallCounts ours = fnprof_counts(run, names);
  CallCounts truth = read_reference_counts(reference.dir + "/counts." + std::to_string(reference.pid), names);
  EXPECT_GT(truth.calls.size(), 40u);
  EXPECT_EQ(ours.calls, truth.calls);
  EXPECT_EQ(ours.edges, truth.edges);
  std::filesystem::remove_all(run.dir);
  std::filesystem::remove_all(reference.dir);
}

// The example's calc library is built with -fPIC, where GCC gives functions
// a "f.localalias" symbol at f's own address: f is not "same code as" itself.
TEST(Example, LocalAliasesAreNotFoldedCode) {
  ProgramRun run = run_program(kExample);
  ASSERT_EQ(run.dumps.size(), 1u);
  Symbolizer symbolizer;
  Profile profile = build_profile({read_dump(run.dumps.at(0))}, symbolizer);
  size_t evaluate = 0;
  for (const ProfiledFunction& f : profile.functions) {
    EXPECT_EQ(f.symbol.function.find("localalias"), std::string::npos) << f.symbol.function;
    evaluate += f.symbol.function == "calc::evaluate(calc::Node const&, calc::CellSource&)";
  }
  EXPECT_EQ(evaluate, 1u);
  std::filesystem::remove_all(run.dir);
}

TEST(Example, CallCountsEqualUftraces) {
  if (run_command("command -v uftrace").empty()) GTEST_SKIP() << "uftrace is not installed";
  std::string uftrace_failure;
  std::map<std::string, uint64_t> theirs = uftrace_calls(kExample, &uftrace_failure);
  // Seen with the example built by Clang 14 (-finstrument-functions-after-
  // inlining): uftrace warns "call depth beyond 1024" and the program dies
  // by SIGSEGV, also with the counting-only hooks, so the reference is gone.
  if (!uftrace_failure.empty()) GTEST_SKIP() << uftrace_failure;
  ProgramRun run = run_program(kExample);
  SymbolNames names;
  CallCounts ours = fnprof_counts(run, names);
  ASSERT_GT(theirs.size(), 30u);
  for (const auto& [name, n] : theirs) EXPECT_EQ(ours.calls[names.canonical(name)], n) << name;
  std::filesystem::remove_all(run.dir);
}

}  // namespace
}  // namespace fnprof::test
