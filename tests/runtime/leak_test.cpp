// The leak classes of the tracker's reachability scan (runtime/alloc/
// reachability.h) on the programs of tests/programs/leaks, whose classes are
// known by construction (each program's comment gives them), built with GCC
// and Clang; and the same totals from valgrind's memcheck on the same
// programs, where it is installed.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "analysis/leaks.h"
#include "dump/dump_reader.h"
#include "model/heap_profile.h"
#include "program_run.h"
#include "symbolize/symbolizer.h"

namespace fnprof {
namespace {

using test::ProgramRun;
using test::run_program;

std::vector<std::string> compilers() {
  std::vector<std::string> out = {"gcc"};
  if (FNPROF_HAVE_CLANG) out.push_back("clang");
  return out;
}

std::string program(const std::string& name, const std::string& compiler) {
  return std::string(FNPROF_LEAK_PROGRAMS_DIR) + "/" + name + "_" + compiler;
}

HeapProfile tracked_heap(const std::string& path) {
  ProgramRun run = run_program(path, {}, {std::string("LD_PRELOAD=") + FNPROF_ALLOC_LIBRARY});
  EXPECT_EQ(run.status(), "0") << run.stderr_text;
  if (run.dumps.size() != 1) throw std::runtime_error("expected one dump in " + run.dir);
  Symbolizer symbolizer;
  return build_heap_profile({read_dump(run.dumps[0])}, symbolizer);
}

// A site's classes, by the name of the function that names it.
LeakClasses classes_of(const HeapProfile& heap, const std::string& name) {
  LeakClasses sum;
  for (const HeapSite& s : heap.sites)
    if (site_name(s) == name) sum.add(s.counts.leak);
  return sum;
}

struct Totals {
  uint64_t bytes = 0, blocks = 0;
  bool operator==(const Totals&) const = default;
};

Totals of(const LeakClasses& l, LeakClass c) { return {l.bytes_of(c), l.blocks_of(c)}; }

void PrintTo(const Totals& t, std::ostream* os) { *os << t.bytes << " B in " << t.blocks << " blocks"; }

TEST(LeakScan, EveryClassOfLeakClassesHoldsWhatTheProgramDid) {
  for (const std::string& compiler : compilers()) {
    SCOPED_TRACE(compiler);
    HeapProfile heap = tracked_heap(program("leak_classes", compiler));
    ASSERT_TRUE(heap.scanned);
    using C = LeakClass;
    EXPECT_EQ(of(classes_of(heap, "overwritten"), C::Definite), (Totals{101, 1}));
    EXPECT_EQ(of(classes_of(heap, "held"), C::Reachable), (Totals{202, 1}));
    EXPECT_EQ(of(classes_of(heap, "list_head"), C::Definite), (Totals{48, 1}));
    EXPECT_EQ(of(classes_of(heap, "list_node"), C::Indirect), (Totals{192, 4}));
    LeakClasses cycle = classes_of(heap, "cycle_node");
    EXPECT_EQ(of(cycle, C::Definite), (Totals{64, 1}));
    EXPECT_EQ(of(cycle, C::Indirect), (Totals{64, 1}));
    EXPECT_EQ(of(classes_of(heap, "in_tls"), C::Reachable), (Totals{444, 1}));
    EXPECT_EQ(of(classes_of(heap, "on_thread_stack"), C::Reachable), (Totals{333, 1}));
    EXPECT_EQ(of(classes_of(heap, "interior"), C::Possible), (Totals{256, 1}));
    // The thread's DTV, which pthread_create allocates and its control
    // block points into (&dtv[1]).
    LeakClasses thread = classes_of(heap, "keep_on_a_thread_stack");
    EXPECT_EQ(thread.blocks_of(C::Possible), 1u);
    EXPECT_EQ(of(classes_of(heap, "open_file"), C::Reachable), (Totals{472, 1}));
    EXPECT_EQ(of(classes_of(heap, "leave_a_file_open"), C::Reachable), (Totals{4096, 1}));

    const LeakClasses& all = heap.totals.leak;
    EXPECT_EQ(of(all, C::Definite), (Totals{213, 3}));
    EXPECT_EQ(of(all, C::Indirect), (Totals{256, 5}));
    EXPECT_EQ(of(all, C::Possible), (Totals{256 + thread.bytes_of(C::Possible), 2}));
    // Nothing the program allocated in main is start-up memory.
    EXPECT_EQ(all.startup_blocks, 0u);

    LeakReport report = find_leaks(heap);
    EXPECT_TRUE(report.scanned);
    EXPECT_EQ(report.leaked_bytes, 213u + 256u);
    EXPECT_EQ(report.leaked_blocks, 8u);
    for (const Leak& leak : report.reachable) EXPECT_EQ(leak.kind, "reachable");
    for (const Leak& leak : report.leaks) EXPECT_NE(leak.kind, "reachable");
  }
}

TEST(LeakScan, AJoinedStdThreadAndIostreamLoseNothing) {
  for (const std::string& compiler : compilers()) {
    SCOPED_TRACE(compiler);
    HeapProfile heap = tracked_heap(program("joined_thread", compiler));
    ASSERT_TRUE(heap.scanned);
    const LeakClasses& all = heap.totals.leak;
    EXPECT_EQ(of(all, LeakClass::Definite), (Totals{0, 0}));
    EXPECT_EQ(of(all, LeakClass::Indirect), (Totals{0, 0}));
    // libstdc++'s emergency exception pool, allocated by its initializer
    // before main: start-up memory, and reachable.
    bool pool = false;
    for (const HeapSite& s : heap.sites) {
      if (s.counts.live_bytes() < 65536) continue;
      pool = true;
      EXPECT_EQ(s.counts.leak.startup_bytes, s.counts.live_bytes());
      EXPECT_EQ(s.counts.leak.bytes_of(LeakClass::Reachable), s.counts.live_bytes());
    }
    EXPECT_TRUE(pool);
    // stdout's buffer, allocated by the first print in main, is not.
    EXPECT_LT(heap.totals.leak.startup_bytes, heap.live_bytes);
    LeakReport report = find_leaks(heap);
    EXPECT_EQ(report.leaked_blocks, 0u);
    for (const Leak& leak : report.leaks) EXPECT_NE(leak.kind, "lost") << leak.title;
  }
}

TEST(LeakScan, StacksOfThreadsThatNeverAllocatedAreRoots) {
  for (const std::string& compiler : compilers()) {
    SCOPED_TRACE(compiler);
    HeapProfile heap = tracked_heap(program("idle_thread", compiler));
    ASSERT_TRUE(heap.scanned);
    using C = LeakClass;
    EXPECT_EQ(of(classes_of(heap, "handed_over"), C::Reachable), (Totals{321, 1}));
    EXPECT_EQ(of(classes_of(heap, "forgotten"), C::Definite), (Totals{123, 1}));
    const LeakClasses& all = heap.totals.leak;
    EXPECT_EQ(of(all, C::Definite), (Totals{123, 1}));
    EXPECT_EQ(of(all, C::Indirect), (Totals{0, 0}));
    // The two threads' DTVs.
    EXPECT_EQ(classes_of(heap, "start_waiter").blocks_of(C::Possible), 2u);
    EXPECT_EQ(all.blocks_of(C::Possible), 2u);
    EXPECT_EQ(of(all, C::Reachable), (Totals{321, 1}));
  }
}

// ---- memcheck ------------------------------------------------------------

std::string valgrind() {
  for (const char* dir : {"/usr/bin/valgrind", "/usr/local/bin/valgrind"})
    if (access(dir, X_OK) == 0) return dir;
  return "";
}

// memcheck's LEAK SUMMARY, by class. --run-libc-freeres=no: glibc frees its
// own buffers at exit under valgrind only; without it, memcheck sees the heap
// the program has at exit, as the tracker does. No heuristics: the tracker
// uses none.
LeakClasses memcheck_classes(const std::string& path) {
  std::string log = testing::TempDir() + "/memcheck.log";
  std::string cmd = valgrind() +
                    " --leak-check=full --show-leak-kinds=all --leak-check-heuristics=none "
                    "--run-libc-freeres=no --run-cxx-freeres=no --log-file=" +
                    log + " " + path + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  FILE* f = std::fopen(log.c_str(), "r");
  std::string text;
  char buf[4096];
  for (size_t n; f && (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  if (f) std::fclose(f);
  LeakClasses out;
  const std::pair<const char*, LeakClass> lines[] = {{"definitely lost", LeakClass::Definite},
                                                     {"indirectly lost", LeakClass::Indirect},
                                                     {"possibly lost", LeakClass::Possible},
                                                     {"still reachable", LeakClass::Reachable}};
  for (const auto& [label, c] : lines) {
    std::smatch m;
    std::regex re(std::string(label) + R"(: ([0-9,]+) bytes in ([0-9,]+) blocks)");
    if (!std::regex_search(text, m, re)) continue;  // a class with nothing in it may be left out
    auto number = [](std::string s) {
      s.erase(std::remove(s.begin(), s.end(), ','), s.end());
      return std::stoull(s);
    };
    out.bytes[static_cast<size_t>(c)] = number(m[1]);
    out.blocks[static_cast<size_t>(c)] = number(m[2]);
  }
  return out;
}

// Lost blocks agree exactly. The tracker's presence changes one thing of
// glibc's: each thread's dynamic thread vector (DTV) has 16 bytes per module
// with thread-local storage, and the tracker brings three (libfnprof_alloc.so,
// libfnprof.so, libunwind), so the thread's DTV is 48 bytes longer under it.
// memcheck finds only an interior pointer to a DTV (glibc keeps &dtv[1]):
// possibly lost; the scan may also find its start in a dead slot of the
// thread's stack that the tracker's unwinder wrote (it reads the DTV), and
// call it still reachable. So possibly lost and still reachable agree as a
// sum, in blocks, and in bytes but for the 48 bytes per DTV.
TEST(LeakScan, MemcheckFindsTheSameClasses) {
  if (valgrind().empty()) GTEST_SKIP() << "valgrind is not installed";
  constexpr uint64_t kTrackerDtvBytes = 3 * 16;
  struct Case {
    const char* name;
    uint64_t dtvs;  // threads created
  };
  for (const Case& c : {Case{"leak_classes", 1}, Case{"joined_thread", 1}, Case{"idle_thread", 2}}) {
    for (const std::string& compiler : compilers()) {
      SCOPED_TRACE(std::string(c.name) + "_" + compiler);
      HeapProfile heap = tracked_heap(program(c.name, compiler));
      const LeakClasses& ours = heap.totals.leak;
      LeakClasses memcheck = memcheck_classes(program(c.name, compiler));
      EXPECT_EQ(of(ours, LeakClass::Definite), of(memcheck, LeakClass::Definite));
      EXPECT_EQ(of(ours, LeakClass::Indirect), of(memcheck, LeakClass::Indirect));
      auto held = [](const LeakClasses& l) {
        return Totals{l.bytes_of(LeakClass::Possible) + l.bytes_of(LeakClass::Reachable),
                      l.blocks_of(LeakClass::Possible) + l.blocks_of(LeakClass::Reachable)};
      };
      Totals expected = held(memcheck);
      expected.bytes += c.dtvs * kTrackerDtvBytes;
      EXPECT_EQ(held(ours), expected);
    }
  }
}

}  // namespace
}  // namespace fnprof
