// fnprof-run --self-test's judgement: what the built-in program knows by
// construction (SelfTestTruth, self_test_program.c) against what fnprof
// measured of it (SelfTestMeasured, self_test_measured.h), one check each,
// with the tolerance it is allowed. Numbers in, verdicts out: nothing here
// runs, reads or prints (self_test.cpp runs, self_test_report.cpp prints).
//
// Tolerances (docs/PERFORMANCE.md, "Self-test"), chosen so that a loaded
// 2-core virtual machine passes them run after run while a real fault
// fails them:
//   - the tick rate against the program's own TSC/CLOCK_MONOTONIC pairs,
//     and those over two intervals against each other: 0.1%;
//   - the hook pair's measured cost: measured at all, and at most 1 µs (a
//     trapping or emulated TSC costs more than that a read);
//   - a 20 ms busy loop, compensated: 2%;
//   - ~2 µs of work calling 128 tiny functions, its fastest call
//     compensated, inclusive and self: 25% (the spread measured on such a
//     machine is about ±10%, now and then ±15%: what a hook pair really costs
//     moves by 2-3 ns from run to run, 128 of them in each call; the same
//     bound as timing_tests' ProbeCompensationTest; uncompensated, the error
//     is +110%);
//   - calls, allocations, frees, bytes, peak, leaked bytes: exact;
//   - a 50 ms nanosleep and a join of a thread spinning 30 ms, blocked time
//     under the function that made the call: 5%.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fnprof::run {

// What the built-in program wrote (its truth file), times in seconds.
struct SelfTestTruth {
  double tick_rate_spin = 0;   // TSC ticks per second over spin_20ms (0: no TSC)
  double tick_rate_sleep = 0;  // over sleep_50ms
  double spin_seconds = 0;     // spin_20ms, by its own clock reads
  uint64_t work_calls = 0, tiny_calls = 0;
  double work_min_seconds = 0;  // the uninstrumented twin's fastest call
  double tiny_min_seconds = 0;
  uint64_t fib_calls = 0, counted_calls = 0;
  uint64_t heap_allocations = 0, heap_frees = 0;
  uint64_t heap_bytes_allocated = 0, heap_bytes_freed = 0;
  uint64_t heap_block_peak = 0;    // heap_block's site: all its blocks live at once
  uint64_t heap_leaked_bytes = 0;  // leaked_block's, definitely lost
  double sleep_seconds = 0;        // around sleep_50ms's nanosleep
  double join_seconds = 0;         // around join_spinner's pthread_join
};

// Reads the truth file: "key value" lines. Throws std::runtime_error naming
// the file and the key missing or unreadable.
SelfTestTruth read_self_test_truth(const std::string& path);

// What the dump says of the same things (the model's figures, compensated).
struct SelfTestMeasured {
  std::string clock;  // "tsc", "monotonic"
  double ticks_per_second = 0;
  bool probe_measured = false;
  double probe_pair_seconds = 0, probe_inside_seconds = 0;
  double spin_seconds = 0;  // spin_20ms's inclusive time
  uint64_t work_calls = 0, tiny_calls = 0;
  double work_min_seconds = 0, tiny_min_seconds = 0;  // fastest calls
  uint64_t fib_calls = 0, counted_calls = 0;
  uint64_t heap_allocations = 0, heap_frees = 0;  // sites under heap_work
  uint64_t heap_bytes_allocated = 0, heap_bytes_freed = 0;
  uint64_t heap_block_peak = 0;
  uint64_t heap_leaked_bytes = 0;
  bool leak_scanned = false;
  double sleep_seconds = 0;  // nanosleep's node under sleep_50ms, blocked
  double join_seconds = 0;   // pthread_join's node under join_spinner, blocked
};

enum class Quantity { Count, Bytes, Seconds, TicksPerSecond };

struct SelfTestCheck {
  std::string area;  // "clock", "hook cost", "timing", "counts", "allocations", "waiting"
  std::string name;  // what was checked, e.g. "fib(20) calls"
  Quantity quantity = Quantity::Count;
  double measured = 0;
  double expected = 0;  // the truth; for an upper bound, the bound
  enum class Rule { Exact, Within, AtMost } rule = Rule::Exact;
  double tolerance = 0;  // Within: the relative error allowed (0.02: 2%)
  bool passed = false;
  // The relative error (measured / expected - 1), 0 when expected is 0.
  double error() const { return expected != 0 ? measured / expected - 1 : 0; }
};

// Every check, in the order the report lists them.
std::vector<SelfTestCheck> check_self_test(const SelfTestTruth& truth, const SelfTestMeasured& measured);

// fnprof-run's exit status: 0 when every check passed, 1 otherwise.
int self_test_exit_status(const std::vector<SelfTestCheck>& checks);

}  // namespace fnprof::run
