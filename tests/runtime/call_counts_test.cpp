// End to end: each program of tests/programs, built with GCC and with Clang,
// runs under libfnprof.so; its dump, read and aggregated by perf-report's
// library, must give exactly the calls and caller->callee counts that
//   1. the program's .expected file states (known by construction), and
//   2. the same program built against hooks that only count (ground truth)
// measured, and its output and exit status must be those of the reference.
#include "call_counts.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dump/dump_reader.h"
#include "fnprof/format.h"
#include "model/profile.h"
#include "program_case.h"
#include "program_run.h"
#include "symbolize/symbolizer.h"

namespace fnprof::test {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The lines of `expected` that `actual` disagrees with, for a readable failure.
template <class Key>
void expect_counts(const std::map<Key, uint64_t>& expected, const std::map<Key, uint64_t>& actual,
                   const std::string& what) {
  for (const auto& [key, n] : expected) {
    auto it = actual.find(key);
    uint64_t got = it == actual.end() ? 0 : it->second;
    if constexpr (std::is_same_v<Key, std::string>) {
      EXPECT_EQ(got, n) << what << " calls of " << key;
    } else {
      EXPECT_EQ(got, n) << what << " edge " << key.first << " -> " << key.second;
    }
  }
}

Profile profile_of(const std::string& dump) {
  Symbolizer symbolizer;
  return build_profile({read_dump(dump)}, symbolizer);
}

void expect_consistent_times(const CallTree& tree) {
  for (const ProfileNode& n : tree.nodes) {
    EXPECT_GE(n.self_seconds, 0);
    EXPECT_GE(n.incl_seconds + 1e-12, n.self_seconds);
    double children = 0;
    for (uint32_t c : n.children) children += tree.nodes[c].incl_seconds;
    EXPECT_LE(children, n.incl_seconds * (1 + 1e-9) + 1e-12);
  }
  for (const FunctionStats& f : tree.functions) EXPECT_GE(f.incl_seconds + 1e-12, f.self_seconds);
}

// Every call that ended has its duration counted, though the exit hook only
// defers it (runtime/call_record.h): in a thread that ended, each node's
// durations hold all its calls; in one running at the dump, all but its
// open call, one at most (a recursion has a node per depth).
void expect_every_duration_counted(const ThreadProfile& t) {
  if (t.truncated) return;  // calls past the shadow stack's capacity have no duration
  for (uint32_t i = 1; i < t.tree.nodes.size(); ++i) {
    const ProfileNode& n = t.tree.nodes[i];
    if (t.running) {
      EXPECT_LE(n.durations.calls(), n.calls) << "node " << i << " of thread " << t.tid;
      EXPECT_LE(n.calls, n.durations.calls() + 1) << "node " << i << " of thread " << t.tid;
    } else {
      EXPECT_EQ(n.durations.calls(), n.calls) << "node " << i << " of thread " << t.tid;
    }
  }
}

// In the dump's own ticks: a finished node's durations add up to its
// inclusive time, which a node of one call holds exactly (kept in the node,
// call_tree.h) and one of more calls bounds (kept in a histogram from the
// second call on, the first's duration with them).
void expect_durations_match_times(const Thread& t) {
  if (t.durations.empty() || (t.flags & format::kThreadTruncated)) return;
  bool running = t.flags & format::kThreadRunning;
  for (uint32_t i = 1; i < t.nodes.size(); ++i) {
    const CallNode& n = t.nodes[i];
    const CallDurations& d = t.durations[i];
    if (running || n.calls == 0) continue;
    if (n.calls == 1) {
      EXPECT_EQ(d.min_ticks, n.incl_ticks) << "node " << i << " of thread " << t.tid;
      EXPECT_EQ(d.max_ticks, n.incl_ticks) << "node " << i << " of thread " << t.tid;
    } else {
      EXPECT_LE(d.min_ticks * n.calls, n.incl_ticks) << "node " << i << " of thread " << t.tid;
      EXPECT_GE(d.max_ticks * n.calls, n.incl_ticks) << "node " << i << " of thread " << t.tid;
      EXPECT_LE(d.min_ticks + d.max_ticks, n.incl_ticks) << "node " << i << " of thread " << t.tid;
    }
  }
}

class CallCountsTest : public testing::TestWithParam<ProgramCase> {};

TEST_P(CallCountsTest, MatchesExpectationsAndReferenceHooks) {
  const ProgramCase& c = GetParam();
  Expected expected =
      read_expected(std::string(FNPROF_TEST_PROGRAMS_SOURCE) + "/" + c.program + ".expected", c.compiler);
  ProgramRun run = run_program(c.binary());
  EXPECT_EQ(run.status(), expected.status);
  EXPECT_EQ(lines_of(run.stdout_text), expected.stdout_lines);

  // One dump per process: the program's, and the child's when it forks.
  size_t processes = expected.child.calls.empty() ? 1 : 2;
  ASSERT_EQ(run.dumps.size(), processes) << "in " << run.dir;
  std::string parent_dump, child_dump;
  for (const std::string& d : run.dumps) {
    Dump dump = read_dump(d);
    (static_cast<int>(dump.process.pid) == run.pid ? parent_dump : child_dump) = d;
  }
  ASSERT_FALSE(parent_dump.empty());

  for (const Thread& t : read_dump(parent_dump).threads) expect_durations_match_times(t);
  Profile profile = profile_of(parent_dump);
  CallCounts actual = counts_of(profile);
  expect_counts(expected.main.calls, actual.calls, "expected");
  expect_counts(expected.main.edges, actual.edges, "expected");
  for (const auto& [function, module] : expected.main.modules)
    EXPECT_EQ(actual.modules[function], module) << "module of " << function;
  expect_consistent_times(profile.merged);
  for (const ThreadProfile& t : profile.threads) {
    expect_consistent_times(t.tree);
    expect_every_duration_counted(t);
  }

  if (processes == 2) {
    ASSERT_FALSE(child_dump.empty());
    Profile child = profile_of(child_dump);
    CallCounts child_actual = counts_of(child);
    expect_counts(expected.child.calls, child_actual.calls, "child");
    expect_counts(expected.child.edges, child_actual.edges, "child");
  }

  // Ground truth: the same source built with hooks that only count. Both
  // sides name functions by their ELF symbols, so every function counts,
  // static ones and compiler-generated initializers included.
  ProgramRun reference = run_program(c.binary("_count"));
  EXPECT_EQ(reference.status(), run.status());
  EXPECT_EQ(reference.stdout_text, run.stdout_text);
  SymbolNames names;
  CallCounts truth = read_reference_counts(reference.dir + "/counts." + std::to_string(reference.pid), names);
  CallCounts ours = counts_by_symbol(profile, names);
  EXPECT_EQ(ours.calls, truth.calls);
  EXPECT_EQ(ours.edges, truth.edges);

  std::filesystem::remove_all(run.dir);
  std::filesystem::remove_all(reference.dir);
}

INSTANTIATE_TEST_SUITE_P(Programs, CallCountsTest,
                         testing::ValuesIn(cases_for({"straight", "recursion", "mutual", "threads",
                                                      "exceptions", "longjmp", "fork", "dlopen",
                                                      "static_ctors", "deep", "exit_deep", "sigterm",
                                                      "running_thread", "thread_churn", "main_pthread_exit",
                                                      "diff_subject", "diff_subject_slower", "own_crc32", "api_flush_racing"})),
                         case_name);

// What the runtime keeps of an exited thread is about the size of its tree:
// the program measures its own memory around 2,000 short threads
// (tests/programs/thread_memory.c).
class ThreadMemoryTest : public testing::TestWithParam<ProgramCase> {};

TEST_P(ThreadMemoryTest, ExitedThreadsGiveTheirMemoryBack) {
  const ProgramCase& c = GetParam();
  Expected expected =
      read_expected(std::string(FNPROF_TEST_PROGRAMS_SOURCE) + "/" + c.program + ".expected", c.compiler);
  ProgramRun run = run_program(c.binary());
  EXPECT_EQ(run.status(), expected.status);
  EXPECT_EQ(run.stdout_text, "thread_memory ok\n");
  ASSERT_EQ(run.dumps.size(), 1u) << "in " << run.dir;
  CallCounts actual = counts_of(profile_of(run.dumps[0]));
  expect_counts(expected.main.calls, actual.calls, "expected");
  expect_counts(expected.main.edges, actual.edges, "expected");
  std::filesystem::remove_all(run.dir);
}

INSTANTIATE_TEST_SUITE_P(Programs, ThreadMemoryTest, testing::ValuesIn(cases_for({"thread_memory"})), case_name);

// A signal handler interrupts the hooks every millisecond: each of its calls
// is recorded, where it was made (tests/programs/signal_calls.c). The program
// prints how often each of its loops ran; the counting-hooks build checks the
// program itself.
class SignalCallsTest : public testing::TestWithParam<ProgramCase> {};

CallCounts expected_signal_calls(const std::string& stdout_text) {
  unsigned long alarms = 0, loops = 0;
  EXPECT_EQ(std::sscanf(stdout_text.c_str(), "signal_calls alarms %lu loops %lu", &alarms, &loops), 2)
      << stdout_text;
  EXPECT_GE(alarms, 300u);
  CallCounts c;
  c.calls = {{"main", 1}, {"work", loops}, {"leaf", loops + alarms}, {"other", loops},
             {"on_alarm", alarms}, {"in_handler", 2 * alarms}};
  c.edges = {{{"main", "work"}, loops}, {{"work", "leaf"}, loops}, {{"work", "other"}, loops},
             {{"on_alarm", "in_handler"}, 2 * alarms}, {{"on_alarm", "leaf"}, alarms}};
  return c;
}

TEST_P(SignalCallsTest, RecordsEveryCallOfTheHandler) {
  const ProgramCase& c = GetParam();
  ProgramRun run = run_program(c.binary());
  EXPECT_EQ(run.status(), "0");
  ASSERT_EQ(run.dumps.size(), 1u) << "in " << run.dir;
  Profile profile = profile_of(run.dumps[0]);
  CallCounts expected = expected_signal_calls(run.stdout_text);
  CallCounts actual = counts_of(profile);
  expect_counts(expected.calls, actual.calls, "fnprof");
  expect_counts(expected.edges, actual.edges, "fnprof");
  for (const ThreadProfile& t : profile.threads) EXPECT_FALSE(t.truncated);

  ProgramRun reference = run_program(c.binary("_count"));
  EXPECT_EQ(reference.status(), "0");
  SymbolNames names;
  CallCounts truth = read_reference_counts(reference.dir + "/counts." + std::to_string(reference.pid), names);
  CallCounts reference_expected = expected_signal_calls(reference.stdout_text);
  for (const auto& [function, n] : reference_expected.calls)
    EXPECT_EQ(truth.calls[names.canonical(function)], n) << "reference calls of " << function;

  std::filesystem::remove_all(run.dir);
  std::filesystem::remove_all(reference.dir);
}

INSTANTIATE_TEST_SUITE_P(Programs, SignalCallsTest, testing::ValuesIn(cases_for({"signal_calls"})), case_name);

}  // namespace
}  // namespace fnprof::test
