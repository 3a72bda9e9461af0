// The allocation tracker end to end: each program of tests/programs/alloc
// runs with libfnprof_alloc.so preloaded, and its dump's allocation
// sections are checked against the numbers the program's comment gives.
// Sites are named by the innermost function of the program's own executable
// on their stack, so the allocations libc and libstdc++ make for themselves
// (stdio, libstdc++'s emergency pool) stay out of the per-site checks; the
// process totals are checked against the sum over every site.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "dump/dump_reader.h"
#include "model/display.h"
#include "fnprof/format.h"
#include "program_run.h"
#include "symbolize/symbolizer.h"

namespace fnprof {
namespace {

using test::ProgramRun;
using test::run_program;

std::string program(const std::string& name) { return std::string(FNPROF_ALLOC_PROGRAMS_DIR) + "/" + name; }

ProgramRun run_tracked(const std::string& name, std::vector<std::string> env = {}) {
  env.push_back(std::string("LD_PRELOAD=") + FNPROF_ALLOC_LIBRARY);
  return run_program(program(name), {}, env);
}

struct SiteTotals {
  uint64_t sites = 0, allocations = 0, frees = 0, bytes_allocated = 0, bytes_freed = 0;
  uint64_t temporary = 0, mismatched = 0, bytes_at_peak = 0, peak_live_bytes = 0;
  std::map<uint32_t, uint64_t> histogram;
  std::vector<uint64_t> tids;
};

// Per program function, and the indices of the sites in it.
struct ByFunction {
  std::map<std::string, SiteTotals> functions;
  std::map<uint32_t, std::string> site_function;  // site index -> function
  SiteTotals program;                             // every program site
  SiteTotals all;                                 // every site
};

ByFunction by_function(const Dump& d) {
  ByFunction out;
  Symbolizer symbolizer;
  const Module* exe = nullptr;
  for (const Module& m : d.modules)
    if (m.path == d.process.exe) exe = &m;
  auto add = [](SiteTotals& t, const AllocSite& s) {
    ++t.sites;
    t.allocations += s.allocations, t.frees += s.frees;
    t.bytes_allocated += s.bytes_allocated, t.bytes_freed += s.bytes_freed;
    t.temporary += s.temporary, t.mismatched += s.mismatched;
    t.bytes_at_peak += s.bytes_at_peak, t.peak_live_bytes += s.peak_live_bytes;
    for (auto [bucket, count] : s.size_histogram) t.histogram[bucket] += count;
    t.tids.push_back(s.tid);
  };
  for (uint32_t i = 0; i < d.alloc.sites.size(); ++i) {
    const AllocSite& s = d.alloc.sites[i];
    add(out.all, s);
    const AllocStack* stack = d.alloc.stack(s.stack_id);
    if (!stack || !exe) continue;
    // The program's own allocations: the innermost frame is the program's
    // (not libc allocating for pthread_create called from main).
    if (stack->frames.empty()) continue;
    uint64_t frame = stack->frames.front();
    if (frame < exe->lo || frame >= exe->hi) continue;
    std::string name = stack->kind == static_cast<uint64_t>(format::StackKind::ReturnAddresses)
                           ? symbolizer.frames_at(exe, frame - 1).front().function
                           : symbolizer.function_at(exe, frame).function;
    name = name.substr(0, name.find('('));  // C++: "plain_new()"
    add(out.functions[name], s);
    add(out.program, s);
    out.site_function[i] = name;
  }
  return out;
}

Dump only_dump(const ProgramRun& run) {
  EXPECT_EQ(run.dumps.size(), 1u) << run.stderr_text;
  if (run.dumps.empty()) throw std::runtime_error("no dump");
  return read_dump(run.dumps[0]);
}

void expect_site(const ByFunction& f, const std::string& name, uint64_t allocs, uint64_t frees,
                 uint64_t bytes, uint64_t freed, uint64_t temporary, uint64_t mismatched = 0) {
  SCOPED_TRACE(name);
  auto it = f.functions.find(name);
  ASSERT_NE(it, f.functions.end());
  EXPECT_EQ(it->second.allocations, allocs);
  EXPECT_EQ(it->second.frees, frees);
  EXPECT_EQ(it->second.bytes_allocated, bytes);
  EXPECT_EQ(it->second.bytes_freed, freed);
  EXPECT_EQ(it->second.temporary, temporary);
  EXPECT_EQ(it->second.mismatched, mismatched);
}

// The process totals are the sums over every site, and the sites' bytes at
// the peak add up to the peak. That share is exact when the peak is not
// reached while other threads change their sites (heap_sampling.h,
// before_site_change); otherwise each of them may be one block off:
// `peak_slack` bounds the difference.
void expect_consistent(const Dump& d, const ByFunction& f, uint64_t peak_slack = 0) {
  const AllocSummary& s = d.alloc.summary;
  ASSERT_TRUE(d.alloc.present);
  EXPECT_EQ(s.allocations, f.all.allocations);
  EXPECT_EQ(s.frees, f.all.frees);
  EXPECT_EQ(s.bytes_allocated, f.all.bytes_allocated);
  EXPECT_EQ(s.bytes_freed, f.all.bytes_freed);
  EXPECT_EQ(s.temporary, f.all.temporary);
  EXPECT_EQ(s.mismatched, f.all.mismatched);
  EXPECT_EQ(s.live_bytes, s.bytes_allocated - s.bytes_freed);
  EXPECT_EQ(s.live_blocks, s.allocations - s.frees);
  if (peak_slack == 0) {
    EXPECT_EQ(s.peak_live_bytes, f.all.bytes_at_peak);
  } else {
    const uint64_t hi = std::max(s.peak_live_bytes, f.all.bytes_at_peak);
    const uint64_t lo = std::min(s.peak_live_bytes, f.all.bytes_at_peak);
    EXPECT_LE(hi - lo, peak_slack) << "peak " << s.peak_live_bytes << ", sites at the peak " << f.all.bytes_at_peak;
  }
  EXPECT_EQ(s.flags, 0u);
  uint64_t live = 0;
  for (const LiveBlock& b : d.alloc.live_blocks) live += b.size;
  EXPECT_EQ(live, s.live_bytes);
  EXPECT_EQ(d.alloc.live_blocks.size(), s.live_blocks);
}

void check_patterns(const Dump& d) {
  ByFunction f = by_function(d);
  expect_consistent(d, f);
  expect_site(f, "leak_three", 3, 0, 3000, 0, 0);
  expect_site(f, "temporaries", 10, 10, 640, 640, 10);
  expect_site(f, "first_of_two", 1, 1, 32, 32, 0);
  expect_site(f, "second_of_two", 1, 1, 32, 32, 1);
  expect_site(f, "chain_start", 1, 1, 10, 10, 1);
  expect_site(f, "chain_grow", 3, 3, 140, 140, 3);
  expect_site(f, "zeroed", 1, 1, 200, 200, 1);
  expect_site(f, "array", 1, 1, 100, 100, 1);
  expect_site(f, "aligned_posix", 1, 1, 128, 128, 1);
  expect_site(f, "aligned_c11", 1, 1, 512, 512, 1);
  expect_site(f, "aligned_memalign", 1, 1, 96, 96, 1);
  expect_site(f, "page_valloc", 1, 1, 1000, 1000, 1);
  expect_site(f, "page_pvalloc", 1, 1, 10, 10, 1);
  expect_site(f, "realloc_to_zero", 1, 1, 50, 50, 1);
  expect_site(f, "peak_block", 1, 1, 1000000, 1000000, 1);
  EXPECT_EQ(f.program.allocations, 28u);
  EXPECT_EQ(f.program.frees, 25u);
  EXPECT_EQ(f.program.bytes_allocated, 1005950u);
  EXPECT_EQ(f.program.bytes_freed, 1002950u);
  EXPECT_EQ(f.program.temporary, 24u);
  // At the process peak: peak_block and the three leaks, nothing else of
  // the program's.
  EXPECT_EQ(f.functions["peak_block"].bytes_at_peak, 1000000u);
  EXPECT_EQ(f.functions["leak_three"].bytes_at_peak, 3000u);
  EXPECT_EQ(f.program.bytes_at_peak, 1003000u);
  EXPECT_EQ(f.functions["leak_three"].histogram, (std::map<uint32_t, uint64_t>{{10, 3}}));
  EXPECT_EQ(f.functions["peak_block"].peak_live_bytes, 1000000u);
  // The leaks: three blocks of 1000 bytes from leak_three, malloc'ed.
  uint64_t leaked = 0, blocks = 0;
  for (const LiveBlock& b : d.alloc.live_blocks) {
    auto it = f.site_function.find(b.site);
    if (it == f.site_function.end()) continue;
    EXPECT_EQ(it->second, "leak_three");
    EXPECT_EQ(b.kind, static_cast<uint64_t>(format::AllocKind::Malloc));
    leaked += b.size, ++blocks;
  }
  EXPECT_EQ(leaked, 3000u);
  EXPECT_EQ(blocks, 3u);
}

TEST(AllocTracker, PatternsUnwound) {
  ProgramRun plain = run_program(program("patterns"));
  ProgramRun tracked = run_tracked("patterns", {"FNPROF_ALLOC_STACKS=unwind"});
  EXPECT_EQ(tracked.stdout_text, plain.stdout_text);
  EXPECT_EQ(plain.status(), "3");
  EXPECT_EQ(tracked.status(), "3");
  EXPECT_EQ(tracked.stderr_text, "");
  Dump d = only_dump(tracked);
  for (const AllocStack& s : d.alloc.stacks)
    EXPECT_EQ(s.kind, static_cast<uint64_t>(format::StackKind::ReturnAddresses));
  check_patterns(d);
}

TEST(AllocTracker, PatternsFromTheShadowStack) {
  ProgramRun plain = run_program(program("patterns_instrumented"));
  ProgramRun tracked = run_tracked("patterns_instrumented", {"FNPROF_ALLOC_STACKS=shadow"});
  EXPECT_EQ(tracked.stdout_text, plain.stdout_text);
  EXPECT_EQ(tracked.status(), "3");
  ASSERT_EQ(plain.dumps.size(), 1u);  // the function profile alone
  Dump d = only_dump(tracked);
  EXPECT_FALSE(d.threads.empty());    // one dump holds both profiles
  bool shadow = false;
  for (const AllocStack& s : d.alloc.stacks)
    shadow |= s.kind == static_cast<uint64_t>(format::StackKind::FunctionEntries);
  EXPECT_TRUE(shadow);
  check_patterns(d);
}

TEST(AllocTracker, EveryOperatorNewAndDelete) {
  ProgramRun plain = run_program(program("operators"));
  ProgramRun tracked = run_tracked("operators");
  EXPECT_EQ(tracked.stdout_text, plain.stdout_text);
  EXPECT_EQ(tracked.status(), "0");
  Dump d = only_dump(tracked);
  ByFunction f = by_function(d);
  expect_consistent(d, f);
  expect_site(f, "plain_new", 1, 1, 4, 4, 1);
  expect_site(f, "array_new", 1, 1, 40, 40, 1);
  expect_site(f, "nothrow_new", 1, 1, 8, 8, 1);
  expect_site(f, "nothrow_array_new", 1, 1, 16, 16, 1);
  expect_site(f, "aligned_new", 1, 1, 64, 64, 1);
  expect_site(f, "aligned_array_new", 1, 1, 128, 128, 1);
  expect_site(f, "aligned_nothrow_new", 1, 1, 64, 64, 1);
  expect_site(f, "aligned_nothrow_arr", 1, 1, 64, 64, 1);
  expect_site(f, "sized_new", 1, 1, 24, 24, 1);
  expect_site(f, "sized_array_new", 1, 1, 48, 48, 1);
  expect_site(f, "sized_aligned_new", 1, 1, 64, 64, 1);
  expect_site(f, "sized_aligned_arr", 1, 1, 64, 64, 1);
  expect_site(f, "new_then_free", 1, 1, 32, 32, 1, 1);
  expect_site(f, "array_then_delete", 1, 1, 32, 32, 1, 1);
  expect_site(f, "malloc_then_delete", 1, 1, 32, 32, 1, 1);
  expect_site(f, "leaked_array", 1, 0, 500, 0, 0);
  EXPECT_EQ(f.program.allocations, 16u);
  EXPECT_EQ(f.program.frees, 15u);
  EXPECT_EQ(f.program.bytes_allocated, 1184u);
  EXPECT_EQ(f.program.bytes_freed, 684u);
  EXPECT_EQ(f.program.mismatched, 3u);
  EXPECT_EQ(d.alloc.summary.mismatched, 3u);
  bool found = false;
  for (const LiveBlock& b : d.alloc.live_blocks) {
    if (f.site_function[b.site] != "leaked_array") continue;
    found = true;
    EXPECT_EQ(b.size, 500u);
    EXPECT_EQ(b.kind, static_cast<uint64_t>(format::AllocKind::NewArray));
  }
  EXPECT_TRUE(found);
}

uint64_t counted_allocations(const std::string& name) {
  ProgramRun counted = run_program(program(name), {}, {std::string("LD_PRELOAD=") + FNPROF_COUNT_ALLOCATIONS});
  const std::string prefix = "count_allocations: ";
  size_t at = counted.stderr_text.find(prefix);
  if (at == std::string::npos) throw std::runtime_error("no count from " + name + ": " + counted.stderr_text);
  return std::stoull(counted.stderr_text.substr(at + prefix.size()));
}

TEST(AllocTracker, NewHandlerAndBadAllocPassThrough) {
  ProgramRun plain = run_program(program("new_handler"));
  ProgramRun tracked = run_tracked("new_handler");
  EXPECT_EQ(plain.stdout_text,
            "bad_alloc after 3 calls of the handler\nnothrow new returns null\nthe handler's exception\ndone\n");
  EXPECT_EQ(tracked.stdout_text, plain.stdout_text);
  EXPECT_EQ(tracked.status(), "0");
  Dump d = only_dump(tracked);
  ByFunction f = by_function(d);
  expect_consistent(d, f);
  expect_site(f, "handler_block", 3, 0, 48, 0, 0);
  expect_site(f, "after_bad_alloc", 1, 0, 8, 0, 0);
  expect_site(f, "after_nothrow", 1, 0, 16, 0, 0);
  expect_site(f, "after_custom", 1, 0, 24, 0, 0);
  EXPECT_EQ(d.alloc.summary.allocations, counted_allocations("new_handler"));
}

TEST(AllocTracker, EightThreads) {
  ProgramRun plain = run_program(program("threads"));
  ProgramRun tracked = run_tracked("threads");
  EXPECT_EQ(tracked.stdout_text, plain.stdout_text);
  EXPECT_EQ(tracked.status(), "0");
  Dump d = only_dump(tracked);
  ByFunction f = by_function(d);
  // The peak comes while the threads run: each of the 7 others may be one
  // block (at most 128 bytes) off.
  expect_consistent(d, f, 7 * 128);
  // One site per thread for each of the three functions.
  expect_site(f, "churn", 8000, 8000, 384000, 384000, 8000);
  expect_site(f, "leak", 8, 0, 576, 0, 0);
  expect_site(f, "handoff", 80, 80, 1920, 1920, 0);
  for (const char* name : {"churn", "leak", "handoff"}) {
    SiteTotals& t = f.functions[name];
    EXPECT_EQ(t.sites, 8u) << name;
    std::sort(t.tids.begin(), t.tids.end());
    EXPECT_EQ(std::unique(t.tids.begin(), t.tids.end()) - t.tids.begin(), 8) << name;
  }
  std::vector<uint64_t> leak_sizes;
  for (auto [site, name] : f.site_function)
    if (name == "leak") leak_sizes.push_back(d.alloc.sites[site].bytes_allocated);
  std::sort(leak_sizes.begin(), leak_sizes.end());
  EXPECT_EQ(leak_sizes, (std::vector<uint64_t>{16, 32, 48, 64, 80, 96, 112, 128}));
  EXPECT_EQ(f.program.allocations, 8088u);
  EXPECT_EQ(f.program.bytes_allocated - f.program.bytes_freed, 576u);
}

TEST(AllocTracker, ForkChildGetsItsOwnDump) {
  ProgramRun plain = run_program(program("fork"));
  ProgramRun tracked = run_tracked("fork");
  EXPECT_EQ(tracked.stdout_text, plain.stdout_text);
  EXPECT_EQ(tracked.status(), "0");
  ASSERT_EQ(tracked.dumps.size(), 2u);
  for (const std::string& path : tracked.dumps) {
    Dump d = read_dump(path);
    ByFunction f = by_function(d);
    expect_consistent(d, f);
    if (d.process.pid == static_cast<uint64_t>(tracked.pid)) {
      expect_site(f, "parent_leak", 1, 0, 111, 0, 0);
      // Freed before the parent allocated again: a temporary.
      expect_site(f, "parent_shared", 1, 1, 64, 64, 1);
      EXPECT_EQ(f.functions.count("child_leak"), 0u);
    } else {
      expect_site(f, "child_leak", 1, 0, 222, 0, 0);
      EXPECT_EQ(f.functions.count("parent_leak"), 0u);
      EXPECT_EQ(f.functions.count("parent_shared"), 0u);
      EXPECT_GE(d.alloc.summary.untracked_frees, 1u);
      EXPECT_EQ(f.program.bytes_allocated - f.program.bytes_freed, 222u);
    }
  }
}

TEST(AllocTracker, HeapTimelineAndSnapshots) {
  // Sampled every 10 us: the threads run for longer, so the timeline has
  // samples, whose live bytes never exceed the peak.
  ProgramRun tracked = run_tracked("threads", {"FNPROF_SAMPLE_INTERVAL=0.01ms"});
  Dump d = only_dump(tracked);
  ASSERT_FALSE(d.alloc.timeline.empty());
  EXPECT_EQ(d.alloc.summary.sample_interval_ns, 10000u);
  uint64_t prev = 0;
  for (const HeapSample& s : d.alloc.timeline) {
    EXPECT_LE(s.live_bytes, d.alloc.summary.peak_live_bytes);
    EXPECT_GE(s.ticks, prev);
    prev = s.ticks;
  }
  size_t expected = std::min<size_t>(16, d.alloc.timeline.size() / d.alloc.summary.snapshot_stride);
  for (const AllocSite& s : d.alloc.sites) EXPECT_EQ(s.snapshots.size(), expected);
}

TEST(AllocTracker, LiveBytesStayExactAsThreadsTakeTurns) {
  // Threads write the process's live bytes in turn, then side by side
  // (heap_writer.h, change_live). A lost change would show in the peak, which
  // main reaches alone (expect_consistent), and in the last heap sample,
  // taken after every change.
  ProgramRun tracked = run_tracked("writers", {"FNPROF_SAMPLE_INTERVAL=1ns"});
  EXPECT_EQ(tracked.status(), "0");
  Dump d = only_dump(tracked);
  ByFunction f = by_function(d);
  expect_consistent(d, f);
  // 7 threads x 20,000 blocks of 16 + i % 200 bytes (2,310,000), one kept;
  // each thread's last block of the loop is freed before it allocates again.
  expect_site(f, "churn", 7 * 20001, 7 * 20000, 7 * 2310100, 7 * 2310000, 7);
  expect_site(f, "main", 66, 65, 1001000, 1000000, 65);
  ASSERT_FALSE(d.alloc.timeline.empty());
  EXPECT_EQ(d.alloc.timeline.back().live_bytes, d.alloc.summary.live_bytes);
}

// A program that ends in _exit or exec never returns through exit(), and
// under the preload libc precedes libfnprof.so in the symbol lookup: the
// tracker itself must catch both (runtime/alloc/exit_interposer.cpp).
TEST(AllocTracker, DumpAtUnderscoreExit) {
  ProgramRun tracked = run_program(program("exits"), {"_exit"},
                                   {std::string("LD_PRELOAD=") + FNPROF_ALLOC_LIBRARY});
  EXPECT_EQ(tracked.status(), "0");
  Dump d = only_dump(tracked);
  EXPECT_EQ(d.process.reason, static_cast<uint64_t>(format::DumpReason::Exit));
  ByFunction f = by_function(d);
  expect_site(f, "leak_before_exit", 1, 0, 100, 0, 0);
}

TEST(AllocTracker, DumpBeforeExec) {
  // Without following children: /bin/true runs untracked.
  ProgramRun tracked = run_program(program("exits"), {"exec"},
                                   {std::string("LD_PRELOAD=") + FNPROF_ALLOC_LIBRARY,
                                    "FNPROF_FOLLOW_CHILDREN=0"});
  EXPECT_EQ(tracked.status(), "0");
  Dump d = only_dump(tracked);
  EXPECT_EQ(d.process.reason, static_cast<uint64_t>(format::DumpReason::Exec));
  ByFunction f = by_function(d);
  expect_site(f, "leak_before_exec", 1, 0, 200, 0, 0);
}

TEST(AllocTracker, FailedExecLeavesOneDumpAtExit) {
  ProgramRun tracked = run_program(program("exits"), {"exec", "/nonexistent/program"},
                                   {std::string("LD_PRELOAD=") + FNPROF_ALLOC_LIBRARY});
  EXPECT_EQ(tracked.status(), "1");
  Dump d = only_dump(tracked);
  EXPECT_EQ(d.process.reason, static_cast<uint64_t>(format::DumpReason::Exit));
}

TEST(AllocTracker, DashWritesADump) {
  // Debian's /bin/sh: it ends with _exit.
  if (access("/bin/dash", X_OK) != 0) GTEST_SKIP() << "no /bin/dash";
  ProgramRun tracked = run_program("/bin/dash", {"-c", "echo hi"},
                                   {std::string("LD_PRELOAD=") + FNPROF_ALLOC_LIBRARY});
  EXPECT_EQ(tracked.stdout_text, "hi\n");
  EXPECT_EQ(tracked.dumps.size(), 1u);
}

// ---- fnprof-run ------------------------------------------------------------

ProgramRun launch(const std::vector<std::string>& args) { return run_program(FNPROF_RUN, args); }

TEST(FnprofRun, PassesTheExitStatusAndNamesTheDump) {
  ProgramRun run = launch({"--", program("patterns")});
  EXPECT_EQ(run.status(), "3");
  EXPECT_EQ(run.stdout_text, run_program(program("patterns")).stdout_text);
  ASSERT_EQ(run.dumps.size(), 1u);
  std::string name = run.dumps[0].substr(run.dumps[0].rfind('/') + 1);
  EXPECT_NE(run.stderr_text.find("fnprof-run: wrote " + name), std::string::npos) << run.stderr_text;
  EXPECT_NE(run.stderr_text.find("peak heap"), std::string::npos) << run.stderr_text;
  EXPECT_EQ(std::count(run.stderr_text.begin(), run.stderr_text.end(), '\n'), 1) << run.stderr_text;
}

// Periodic dumps replace each other: one file, the exit dump, and the
// closing line tells of it alone.
TEST(FnprofRun, PeriodicDumpsLeaveOneFileAndTheClosingLineTellsOfIt) {
  ProgramRun run = run_program(FNPROF_RUN, {"--", program("growth")}, {"FNPROF_FLUSH_INTERVAL=5ms"});
  ASSERT_EQ(run.status(), "0") << run.stderr_text;
  ASSERT_EQ(run.dumps.size(), 1u) << "growth runs for about 100 ms: about 20 flushes";
  Dump d = read_dump(run.dumps[0]);
  EXPECT_EQ(d.process.reason, static_cast<uint64_t>(format::DumpReason::Exit));
  LeakClasses classes;
  for (const AllocSite& site : d.alloc.sites) classes.add(site.leak);
  // growth's blocks are all lost (growth.c says why).
  ASSERT_EQ(classes.lost_blocks(), d.alloc.summary.live_blocks);
  const std::string expected = fmt::format("{} in {} blocks lost and 0 B in 0 blocks still reachable at exit",
                                           format_bytes(classes.lost_bytes()), group_digits(classes.lost_blocks()));
  EXPECT_NE(run.stderr_text.find(expected), std::string::npos) << run.stderr_text;
  EXPECT_EQ(run.stderr_text.find("superseded"), std::string::npos) << run.stderr_text;
}

// A dump taken while other threads call and allocate (fnprof_flush, a
// periodic dump, a crash) reads back whole: each record written from one
// reading of what it describes. api_flush_racing keeps every flush's dump.
// A torn record is a matter of timing: the runs without the tracker flush
// about 25 times each (the tracker's scan makes a flush slower); before the
// fix, one run in two wrote a torn duration record.
TEST(FnprofRun, DumpsTakenWhileThreadsRunReadBackWhole) {
  for (const char* compiler : {"gcc", "clang"}) {
    const std::string racing = std::string(FNPROF_TEST_PROGRAMS_DIR) + "/api_flush_racing_" + compiler;
    for (bool tracked : {false, false, true}) {
      ProgramRun run = tracked ? run_program(FNPROF_RUN, {"--", racing}) : run_program(racing);
      ASSERT_EQ(run.status(), "0") << run.stderr_text;
      EXPECT_EQ(run.stdout_text, "flush_racing done\n");
      size_t kept = 0;
      for (const auto& entry : std::filesystem::directory_iterator(run.dir)) {
        if (!entry.path().filename().string().starts_with("kept.")) continue;
        ++kept;
        Dump d = read_dump(entry.path().string());  // throws at a torn record
        EXPECT_EQ(d.process.reason, static_cast<uint64_t>(format::DumpReason::Flush));
        EXPECT_EQ(d.alloc.sites.empty(), !tracked) << entry.path();
      }
      EXPECT_GE(kept, 2u) << compiler << ": the workers ran for fewer than two flushes";
      std::filesystem::remove_all(run.dir);
    }
  }
}

TEST(FnprofRun, DiesByTheProgramsSignal) {
  ProgramRun run = launch({"/bin/sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(run.status(), "signal 15");
}

TEST(FnprofRun, ChildrenRunWithoutTheTrackerUnlessFollowed) {
  // The shell's child execs /bin/true: with the preload it writes a dump of
  // its own.
  std::string script = "/bin/true; exit 0";
  ProgramRun alone = launch({"/bin/bash", "-c", script});
  ProgramRun followed = launch({"--follow-children", "/bin/bash", "-c", script});
  EXPECT_EQ(alone.status(), "0");
  EXPECT_EQ(followed.status(), "0");
  EXPECT_LT(alone.dumps.size(), followed.dumps.size()) << alone.stderr_text << followed.stderr_text;
}

// A C program under fnprof-run: no C++ runtime loaded into it (it looks from
// inside), and exactly the allocations it makes without a profiler, counted
// by a preload that only counts; so no emergency pool of libstdc++'s either.
TEST(FnprofRun, CProgramGetsNoCppRuntimeAndOnlyItsOwnAllocations) {
  ProgramRun plain = run_program(program("c_program"));
  ProgramRun run = launch({"--", program("c_program")});
  EXPECT_EQ(plain.stdout_text, "no C++ runtime\n");
  EXPECT_EQ(run.stdout_text, plain.stdout_text);
  EXPECT_EQ(run.status(), "0");
  uint64_t truth = counted_allocations("c_program");
  EXPECT_GE(truth, 7u);  // its own 5 (a realloc is one), the FILE, getline's buffer
  Dump d = only_dump(run);
  EXPECT_EQ(d.alloc.summary.allocations, truth);
  for (const AllocSite& s : d.alloc.sites) EXPECT_NE(s.bytes_allocated, 72'704u);
}

TEST(AllocTracker, StatusReportsTheLiveHeap) {
  ProgramRun tracked = run_tracked("status");
  EXPECT_EQ(tracked.status(), "0");
  EXPECT_EQ(tracked.stdout_text, "heap known 1, +1000000 after malloc, +0 after free\n");
  ProgramRun plain = run_program(program("status"));
  EXPECT_EQ(plain.stdout_text, "heap known 0\n");
}

}  // namespace
}  // namespace fnprof
