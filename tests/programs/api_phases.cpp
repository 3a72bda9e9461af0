// Phases on four threads, nested and repeated; a phase an exception leaves;
// checkpoints with metadata. Thread i (0..3) is "phaser-<i>" and runs
// phaser(i):
//
//   3 x  phase "outer" {thread: i}
//          (i + 1) x  phase "inner" {k: 0..i}   -> step()
//                       phase "leaf" {ratio: 0.5, tag: "x"} -> step()
//                       result {done: 1}
//
// Main, before the threads: phase "setup" with checkpoint "ready" {n: 4}
// inside; after joining them: phase "throws", left by an exception thrown
// from thrower() and caught in main; checkpoint "done".
//
// Phases: outer 12, inner 30, leaf 30, setup 1, throws 1 (none open).
// Expected calls: main 1, phaser 4, step 60, thrower 1.
// Output: "phases 60", exit status 0. Without libfnprof.so the same.
#include <pthread.h>

#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fnprof/fnprof.hpp>

#include "test_program.h"

DEFINE_SINK;

NOINLINE int step() {
  sink = sink + 1;
  return 1;
}

NOINLINE int phaser(int i) {
  char name[16];
  snprintf(name, sizeof name, "phaser-%d", i);
  pthread_setname_np(pthread_self(), name);
  int n = 0;
  for (int r = 0; r < 3; ++r) {
    fnprof::Phase outer{"outer", {{"thread", i}}};
    for (int k = 0; k <= i; ++k) {
      fnprof::Phase inner{"inner", {{"k", k}}};
      n += step();
      fnprof::Phase leaf{"leaf", {{"ratio", 0.5}, {"tag", "x"}}};
      n += step();
      leaf.result({{"done", 1}});
    }
  }
  return n;
}

NOINLINE void thrower() { throw std::runtime_error("leaves the phase"); }

int main() {
  {
    fnprof::Phase setup{"setup"};
    fnprof::checkpoint("ready", {{"n", 4}});
  }
  std::vector<int> results(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([i, &results] { results[i] = phaser(i); });
  for (auto& t : threads) t.join();
  try {
    fnprof::Phase p{"throws"};
    thrower();
  } catch (const std::exception&) {
  }
  fnprof::checkpoint("done");
  int total = 0;
  for (int r : results) total += r;
  std::printf("phases %d\n", total);
  return 0;
}
