// Aggregation math on hand-made trees whose figures are known by
// construction. Ticks are milliseconds (1000 ticks per second) unless a test
// says otherwise; the module files do not exist, so functions are named
// "app+0xoffset".
#include "model/profile.h"
#include "model/recursion.h"

#include <gtest/gtest.h>

#include "fnprof/format.h"

namespace fnprof {
namespace {

constexpr uint64_t kBias = 0x5500'0000'0000;
constexpr uint64_t kMain = 0x100, kF = 0x200, kG = 0x300;

Dump make_dump(uint64_t pid, uint64_t bias, uint64_t ticks_per_second, std::vector<Thread> threads) {
  Dump d;
  d.path = "test-" + std::to_string(pid) + ".fnp";
  d.process.pid = pid;
  d.process.program = "app";
  d.process.args = {"./app"};
  d.process.clock_source = 1;
  d.process.ticks_per_second = ticks_per_second;
  d.process.start_ticks = 0;
  d.process.end_ticks = 3 * ticks_per_second;
  d.modules = {{"/nonexistent/app", "", bias, bias, bias + 0x10000}};
  for (Thread& t : threads)
    for (CallNode& n : t.nodes)
      if (n.func) n.func += bias;
  d.threads = std::move(threads);
  return d;
}

Thread make_thread(uint64_t tid, std::vector<CallNode> nodes) {
  Thread t;
  t.tid = tid;
  t.name = "t" + std::to_string(tid);
  t.end_ticks = 2000;
  t.nodes.push_back(CallNode{});
  t.nodes.insert(t.nodes.end(), nodes.begin(), nodes.end());
  return t;
}

// main (1 call, 1000)
//   f (1, 600)
//     f (2, 400)        recursion: its time is already inside the outer f
//       g (4, 100)
//   g (10, 300)
Thread recursive_thread(uint64_t tid = 1) {
  return make_thread(tid, {{0, kMain, 1, 1000}, {1, kF, 1, 600}, {2, kF, 2, 400}, {3, kG, 4, 100}, {1, kG, 10, 300}});
}

const FunctionStats& stats_of(const Profile& p, const CallTree& tree, uint64_t offset) {
  for (size_t id = 0; id < p.functions.size(); ++id)
    if (p.functions[id].address == offset) return tree.functions[id];
  ADD_FAILURE() << "no function at offset " << offset;
  static FunctionStats none;
  return none;
}

// Blocking calls (the dump's blocking-functions section): named as the
// runtime named them, their time blocked in their callers and every
// ancestor, self time that ran apart from self time that waited; a
// thread's wall time split into running and blocked; its on-CPU time.
TEST(Profile, BlockedTimeOfBlockingCalls) {
  constexpr uint64_t kJoin = 0x400, kSleep = 0x500;
  // main 1000 -> f 600 -> join 500; main -> g 300 -> sleep 100; main -> sleep 50.
  Thread t = make_thread(1, {{0, kMain, 1, 1000}, {1, kF, 1, 600}, {2, kJoin, 2, 500}, {1, kG, 1, 300},
                             {4, kSleep, 3, 100}, {1, kSleep, 1, 50}});
  t.cpu_ns = 250'000'000;
  Dump d = make_dump(1, kBias, 1000, {t});
  d.blocking_functions = {{kBias + kJoin, uint64_t(format::WaitKind::Join), "pthread_join"},
                          {kBias + kSleep, uint64_t(format::WaitKind::Sleep), "nanosleep"}};
  Symbolizer symbolizer;
  Profile p = build_profile({d}, symbolizer);
  const CallTree& tree = p.merged;
  const FunctionStats& main = stats_of(p, tree, kMain);
  EXPECT_DOUBLE_EQ(main.incl_blocked_seconds, 0.65);
  EXPECT_DOUBLE_EQ(main.self_blocked_seconds, 0.05);
  EXPECT_NEAR(main.running_self_seconds, 0.05, 1e-12);  // 1000 - 600 - 300 - 50
  const FunctionStats& f = stats_of(p, tree, kF);
  EXPECT_DOUBLE_EQ(f.self_blocked_seconds, 0.5);
  EXPECT_NEAR(f.running_self_seconds, 0.1, 1e-12);
  const FunctionStats& sleep = stats_of(p, tree, kSleep);
  EXPECT_EQ(sleep.calls, 4u);
  EXPECT_DOUBLE_EQ(sleep.self_blocked_seconds, 0.15);
  EXPECT_DOUBLE_EQ(sleep.running_self_seconds, 0);
  EXPECT_DOUBLE_EQ(tree.total_blocked_seconds, 0.65);
  EXPECT_NEAR(tree.total_running_seconds(), 0.35, 1e-12);
  size_t named = 0;
  for (const ProfiledFunction& fn : p.functions)
    if (fn.blocking()) named += fn.symbol.function == "pthread_join" || fn.symbol.function == "nanosleep";
  EXPECT_EQ(named, 2u);
  const ThreadProfile& thread = p.threads.at(0);
  EXPECT_DOUBLE_EQ(thread.blocked_seconds(), 0.65);
  EXPECT_NEAR(thread.running_seconds(), thread.wall_seconds - 0.65, 1e-12);
  EXPECT_EQ(thread.cpu_seconds, std::optional<double>(0.25));

  // The trees people read say what each blocking call waits for.
  std::vector<std::string> names;
  for (const ProfileNode& n : tree.nodes) names.push_back(tree_node_name(p, n));
  EXPECT_EQ(names, (std::vector<std::string>{"<root>", "app+0x100", "app+0x200", "pthread_join (waiting: join)",
                                             "app+0x300", "nanosleep (waiting: sleep)", "nanosleep (waiting: sleep)"}));
  EXPECT_EQ(wait_kind_title(uint64_t(format::WaitKind::Io)), "I/O");
  EXPECT_EQ(wait_kind_title(uint64_t(format::WaitKind::Child)), "child process");
  EXPECT_EQ(wait_kind_title(uint64_t(format::WaitKind::Lock)), "lock");
  EXPECT_EQ(wait_kind_title(0), "");
}

TEST(Profile, RecursionIsCountedOnceAndSelfIsInclusiveLessChildren) {
  Symbolizer symbolizer;
  Profile p = build_profile({make_dump(10, kBias, 1000, {recursive_thread()})}, symbolizer);
  ASSERT_EQ(p.functions.size(), 3u);
  EXPECT_EQ(p.functions[0].module, "/nonexistent/app");
  EXPECT_EQ(p.functions[0].address, kMain);
  EXPECT_EQ(p.functions[0].symbol.function, "app+0x100");

  const CallTree& t = p.merged;
  const FunctionStats& main = stats_of(p, t, kMain);
  EXPECT_EQ(main.calls, 1u);
  EXPECT_DOUBLE_EQ(main.incl_seconds, 1.0);
  EXPECT_NEAR(main.self_seconds, 0.1, 1e-12);  // 1000 - 600 - 300

  const FunctionStats& f = stats_of(p, t, kF);
  EXPECT_EQ(f.calls, 3u);
  EXPECT_DOUBLE_EQ(f.incl_seconds, 0.6);  // not 0.6 + 0.4
  EXPECT_DOUBLE_EQ(f.self_seconds, 0.5);  // (600 - 400) + (400 - 100)
  EXPECT_DOUBLE_EQ(f.incl_per_call(), 0.2);

  const FunctionStats& g = stats_of(p, t, kG);
  EXPECT_EQ(g.calls, 14u);
  EXPECT_DOUBLE_EQ(g.incl_seconds, 0.4);  // under f and under main: different paths, both count
  EXPECT_DOUBLE_EQ(g.self_seconds, 0.4);

  EXPECT_EQ(t.total_calls, 18u);
  EXPECT_DOUBLE_EQ(t.total_seconds, 1.0);
  EXPECT_DOUBLE_EQ(t.total_self_seconds, 1.0);

  // The tree itself: root -> main -> [f -> f -> g, g], children largest first.
  ASSERT_EQ(t.nodes.size(), 6u);
  const ProfileNode& root = t.nodes[0];
  EXPECT_EQ(root.function, kNoFunction);
  ASSERT_EQ(root.children.size(), 1u);
  const ProfileNode& main_node = t.nodes[root.children[0]];
  EXPECT_NEAR(main_node.self_seconds, 0.1, 1e-12);
  ASSERT_EQ(main_node.children.size(), 2u);
  EXPECT_DOUBLE_EQ(t.nodes[main_node.children[0]].incl_seconds, 0.6);
  EXPECT_DOUBLE_EQ(t.nodes[main_node.children[1]].incl_seconds, 0.3);
  const ProfileNode& inner_f = t.nodes[t.nodes[main_node.children[0]].children[0]];
  EXPECT_EQ(inner_f.calls, 2u);
  EXPECT_DOUBLE_EQ(inner_f.self_seconds, 0.3);
}

TEST(Profile, IndirectRecursionIsCountedOnce) {
  // f -> g -> f -> g: each function's outermost call holds all its time.
  Thread t = make_thread(1, {{0, kF, 1, 1000}, {1, kG, 1, 800}, {2, kF, 1, 500}, {3, kG, 1, 200}});
  Symbolizer symbolizer;
  Profile p = build_profile({make_dump(10, kBias, 1000, {t})}, symbolizer);
  EXPECT_DOUBLE_EQ(stats_of(p, p.merged, kF).incl_seconds, 1.0);
  EXPECT_DOUBLE_EQ(stats_of(p, p.merged, kG).incl_seconds, 0.8);
  EXPECT_DOUBLE_EQ(stats_of(p, p.merged, kF).self_seconds, 0.2 + 0.3);
  EXPECT_DOUBLE_EQ(stats_of(p, p.merged, kG).self_seconds, 0.3 + 0.2);
}

TEST(Profile, SelfTimeNeverNegative) {
  // Clock skew between threads or a truncated tree can make children exceed
  // their parent.
  Thread t = make_thread(1, {{0, kMain, 1, 100}, {1, kF, 1, 150}});
  Symbolizer symbolizer;
  Profile p = build_profile({make_dump(10, kBias, 1000, {t})}, symbolizer);
  EXPECT_DOUBLE_EQ(stats_of(p, p.merged, kMain).self_seconds, 0.0);
  EXPECT_DOUBLE_EQ(stats_of(p, p.merged, kF).self_seconds, 0.15);
}

TEST(Profile, ThreadsMergeByCallPath) {
  // Thread 2: main (1, 500) -> [ g (5, 200), f (1, 100) ]
  Thread second = make_thread(2, {{0, kMain, 1, 500}, {1, kG, 5, 200}, {1, kF, 1, 100}});
  Symbolizer symbolizer;
  Profile p = build_profile({make_dump(10, kBias, 1000, {recursive_thread(1), second})}, symbolizer);

  ASSERT_EQ(p.threads.size(), 2u);
  EXPECT_EQ(p.threads[0].tree.nodes.size(), 6u);
  EXPECT_EQ(p.threads[1].tree.nodes.size(), 4u);
  EXPECT_EQ(p.threads[1].name, "t2");
  EXPECT_DOUBLE_EQ(p.threads[1].wall_seconds, 2.0);
  EXPECT_DOUBLE_EQ(stats_of(p, p.threads[1].tree, kG).self_seconds, 0.2);

  // Same paths share nodes: nothing new besides thread 1's nodes.
  const CallTree& m = p.merged;
  EXPECT_EQ(m.nodes.size(), 6u);
  EXPECT_EQ(m.total_calls, 18u + 7u);
  EXPECT_DOUBLE_EQ(m.total_seconds, 1.5);
  const ProfileNode& main_node = m.nodes[m.nodes[0].children[0]];
  EXPECT_EQ(main_node.calls, 2u);
  EXPECT_DOUBLE_EQ(main_node.incl_seconds, 1.5);
  EXPECT_DOUBLE_EQ(main_node.self_seconds, 1.5 - 0.7 - 0.5);
  EXPECT_EQ(stats_of(p, m, kG).calls, 19u);
  EXPECT_DOUBLE_EQ(stats_of(p, m, kG).incl_seconds, 0.6);
  EXPECT_DOUBLE_EQ(stats_of(p, m, kF).incl_seconds, 0.7);
}

TEST(Profile, DumpsMergeDespiteAslrAndDifferentClocks) {
  // The same program twice: another load address and a clock twice as fast,
  // so the same tick counts are half the time.
  Symbolizer symbolizer;
  Profile p = build_profile({make_dump(10, kBias, 1000, {recursive_thread()}),
                             make_dump(11, 0x7777'0000'0000, 2000, {recursive_thread()})},
                            symbolizer);
  EXPECT_EQ(p.functions.size(), 3u);
  ASSERT_EQ(p.processes.size(), 2u);
  EXPECT_EQ(p.processes[1].pid, 11u);
  EXPECT_EQ(p.processes[1].threads, 1u);
  EXPECT_EQ(p.processes[0].clock, "monotonic");
  EXPECT_EQ(p.clock, "monotonic");
  EXPECT_DOUBLE_EQ(p.wall_seconds, 3.0);
  EXPECT_EQ(p.threads.size(), 2u);
  EXPECT_EQ(p.merged.nodes.size(), 6u);
  EXPECT_DOUBLE_EQ(p.merged.total_seconds, 1.5);
  EXPECT_EQ(p.merged.total_calls, 36u);
  EXPECT_DOUBLE_EQ(stats_of(p, p.merged, kF).incl_seconds, 0.9);
  EXPECT_DOUBLE_EQ(stats_of(p, p.merged, kF).incl_per_call(), 0.15);
  // One warning for the missing module file, though both dumps name it.
  EXPECT_EQ(symbolizer.warnings().size(), 1u);
}

TEST(Profile, AddressesOutsideEveryModuleStayApart) {
  Dump d = make_dump(10, kBias, 1000, {make_thread(1, {{0, 0x1234, 1, 10}, {1, 0x5678, 1, 5}})});
  d.modules.clear();
  Symbolizer symbolizer;
  Profile p = build_profile({d}, symbolizer);
  ASSERT_EQ(p.functions.size(), 2u);
  EXPECT_EQ(p.functions[0].module, "");
  EXPECT_EQ(p.functions[0].symbol.function, "0x550000001234");
}

TEST(Profile, TopFunctionsByEachKey) {
  Symbolizer symbolizer;
  Profile p = build_profile({make_dump(10, kBias, 1000, {recursive_thread()})}, symbolizer);
  auto offsets = [&](SortKey key, size_t limit) {
    std::vector<uint64_t> out;
    for (uint32_t id : top_functions(p, p.merged.functions, key, limit)) out.push_back(p.functions[id].address);
    return out;
  };
  EXPECT_EQ(offsets(SortKey::Self, 10), (std::vector<uint64_t>{kF, kG, kMain}));
  EXPECT_EQ(offsets(SortKey::Calls, 10), (std::vector<uint64_t>{kG, kF, kMain}));
  EXPECT_EQ(offsets(SortKey::Incl, 10), (std::vector<uint64_t>{kMain, kF, kG}));
  EXPECT_EQ(offsets(SortKey::Avg, 10), (std::vector<uint64_t>{kMain, kF, kG}));  // 1.0, 0.2, 0.029
  EXPECT_EQ(offsets(SortKey::Self, 2), (std::vector<uint64_t>{kF, kG}));
  EXPECT_EQ(sort_key_name(SortKey::Avg), "avg");
}

}  // namespace
}  // namespace fnprof
