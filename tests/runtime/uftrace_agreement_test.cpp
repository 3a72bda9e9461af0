// fnprof's per-function call counts equal uftrace's for the same binary
// (`uftrace record --no-libcall`, which counts only instrumented functions),
// except where uftrace is wrong, and then fnprof is the one that matches the
// ground truth (call_counts_test.cpp checks that for every program).
#include <gtest/gtest.h>

#include <filesystem>

#include "call_counts.h"
#include "dump/dump_reader.h"
#include "model/profile.h"
#include "program_case.h"
#include "program_run.h"
#include "symbolize/symbolizer.h"

namespace fnprof::test {
namespace {

class UftraceAgreement : public testing::TestWithParam<ProgramCase> {};

TEST_P(UftraceAgreement, SameCallCounts) {
  if (run_command("command -v uftrace").empty()) GTEST_SKIP() << "uftrace is not installed";
  const ProgramCase& c = GetParam();
  std::string binary = c.binary();
  std::map<std::string, uint64_t> theirs = uftrace_calls(binary);
  ASSERT_FALSE(theirs.empty()) << "uftrace recorded nothing for " << binary;

  ProgramRun run = run_program(binary);
  ASSERT_EQ(run.dumps.size(), 1u);
  Symbolizer symbolizer;
  SymbolNames names;
  CallCounts ours = counts_by_symbol(build_profile({read_dump(run.dumps[0])}, symbolizer), names);
  std::filesystem::remove_all(run.dir);

  for (const auto& [name, n] : theirs) {
    if (c.program == "deep" && name == "descend") {
      // uftrace keeps at most 1024 frames per thread (its --max-stack cannot
      // go higher here) and silently drops the calls below; fnprof's count is
      // the real one: 100001, as the program states.
      EXPECT_EQ(n, 1023u);
      EXPECT_EQ(ours.calls[name], 100001u);
      continue;
    }
    EXPECT_EQ(ours.calls[names.canonical(name)], n) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Programs, UftraceAgreement,
                         testing::ValuesIn(cases_for({"straight", "recursion", "mutual", "threads",
                                                      "exceptions", "longjmp", "dlopen", "static_ctors",
                                                      "deep", "exit_deep"})),
                         case_name);

}  // namespace
}  // namespace fnprof::test
