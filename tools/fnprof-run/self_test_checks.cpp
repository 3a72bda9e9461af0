#include "fnprof-run/self_test_checks.h"

#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

namespace fnprof::run {

namespace {

constexpr double kTickRateTolerance = 0.001;
constexpr double kProbePairBound = 1e-6;
constexpr double kBusyLoopTolerance = 0.02;
constexpr double kTinyCallsTolerance = 0.25;
constexpr double kWaitTolerance = 0.05;

SelfTestCheck exact(std::string area, std::string name, Quantity quantity, uint64_t measured, uint64_t expected) {
  SelfTestCheck c{std::move(area), std::move(name), quantity, static_cast<double>(measured),
                  static_cast<double>(expected)};
  c.rule = SelfTestCheck::Rule::Exact;
  c.passed = measured == expected;
  return c;
}

SelfTestCheck within(std::string area, std::string name, Quantity quantity, double measured, double expected,
                     double tolerance) {
  SelfTestCheck c{std::move(area), std::move(name), quantity, measured, expected};
  c.rule = SelfTestCheck::Rule::Within;
  c.tolerance = tolerance;
  // A truth of 0 means the program could not measure it: nothing to pass.
  c.passed = expected > 0 && std::fabs(c.error()) <= tolerance;
  return c;
}

}  // namespace

SelfTestTruth read_self_test_truth(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open the self-test program's truth", path));
  std::map<std::string, double> values;
  std::string key;
  double value = 0;
  while (in >> key >> value) values[key] = value;
  auto get = [&](const char* name) {
    auto it = values.find(name);
    if (it == values.end()) throw std::runtime_error(fmt::format("{}: no '{}' in the self-test program's truth", path, name));
    return it->second;
  };
  auto count = [&](const char* name) { return static_cast<uint64_t>(get(name)); };
  SelfTestTruth t;
  t.tick_rate_spin = get("tick_rate_spin");
  t.tick_rate_sleep = get("tick_rate_sleep");
  t.spin_seconds = get("spin_ns") * 1e-9;
  t.work_calls = count("work_calls");
  t.tiny_calls = count("tiny_calls");
  t.work_min_seconds = get("work_min_ns") * 1e-9;
  t.tiny_min_seconds = get("tiny_min_ns") * 1e-9;
  t.fib_calls = count("fib_calls");
  t.counted_calls = count("counted_calls");
  t.heap_allocations = count("heap_allocations");
  t.heap_frees = count("heap_frees");
  t.heap_bytes_allocated = count("heap_bytes_allocated");
  t.heap_bytes_freed = count("heap_bytes_freed");
  t.heap_block_peak = count("heap_block_peak");
  t.heap_leaked_bytes = count("heap_leaked_bytes");
  t.sleep_seconds = get("sleep_ns") * 1e-9;
  t.join_seconds = get("join_ns") * 1e-9;
  return t;
}

std::vector<SelfTestCheck> check_self_test(const SelfTestTruth& t, const SelfTestMeasured& m) {
  std::vector<SelfTestCheck> checks;
  // The clock. With the TSC, the runtime's tick rate (calibrated against
  // CLOCK_MONOTONIC from start-up to the dump) against the program's own
  // pairs of both clocks over the busy loop, and those over the sleep
  // against those over the busy loop: a TSC that drifts, or stops in a
  // sleep, fails. CLOCK_MONOTONIC ticks are nanoseconds by definition.
  if (m.clock == "tsc") {
    checks.push_back(within("clock", "tsc tick rate against the program's own", Quantity::TicksPerSecond,
                            m.ticks_per_second, t.tick_rate_spin, kTickRateTolerance));
    checks.push_back(within("clock", "tsc tick rate over a sleep against over a busy loop", Quantity::TicksPerSecond,
                            t.tick_rate_sleep, t.tick_rate_spin, kTickRateTolerance));
  } else {
    checks.push_back(exact("clock", m.clock + " ticks per second", Quantity::TicksPerSecond,
                           static_cast<uint64_t>(m.ticks_per_second), 1'000'000'000));
  }

  SelfTestCheck probe{"hook cost", "enter and exit hook pair, measured at start-up", Quantity::Seconds,
                      m.probe_pair_seconds, kProbePairBound};
  probe.rule = SelfTestCheck::Rule::AtMost;
  probe.passed = m.probe_measured && m.probe_pair_seconds > 0 && m.probe_pair_seconds <= kProbePairBound;
  checks.push_back(probe);

  checks.push_back(within("timing", "spin_20ms, inclusive", Quantity::Seconds, m.spin_seconds, t.spin_seconds,
                          kBusyLoopTolerance));
  const double calls_per_work = t.work_calls ? static_cast<double>(t.tiny_calls) / static_cast<double>(t.work_calls) : 0;
  const std::string work = fmt::format("work (2 µs + {:g} calls), fastest call", calls_per_work);
  checks.push_back(within("timing", work + ", inclusive", Quantity::Seconds, m.work_min_seconds, t.work_min_seconds,
                          kTinyCallsTolerance));
  checks.push_back(within("timing", work + ", self", Quantity::Seconds,
                          m.work_min_seconds - calls_per_work * m.tiny_min_seconds,
                          t.work_min_seconds - calls_per_work * t.tiny_min_seconds, kTinyCallsTolerance));

  checks.push_back(exact("counts", "fib(20) calls", Quantity::Count, m.fib_calls, t.fib_calls));
  checks.push_back(exact("counts", "counted calls (a loop)", Quantity::Count, m.counted_calls, t.counted_calls));
  checks.push_back(exact("counts", "work calls", Quantity::Count, m.work_calls, t.work_calls));
  checks.push_back(exact("counts", "tiny calls", Quantity::Count, m.tiny_calls, t.tiny_calls));

  checks.push_back(exact("allocations", "heap_work: allocations", Quantity::Count, m.heap_allocations, t.heap_allocations));
  checks.push_back(exact("allocations", "heap_work: frees", Quantity::Count, m.heap_frees, t.heap_frees));
  checks.push_back(exact("allocations", "heap_work: bytes allocated", Quantity::Bytes, m.heap_bytes_allocated,
                         t.heap_bytes_allocated));
  checks.push_back(exact("allocations", "heap_work: bytes freed", Quantity::Bytes, m.heap_bytes_freed, t.heap_bytes_freed));
  checks.push_back(exact("allocations", "heap_block: peak live bytes", Quantity::Bytes, m.heap_block_peak, t.heap_block_peak));
  SelfTestCheck leak = exact("allocations", "leaked_block: definitely lost bytes", Quantity::Bytes,
                             m.heap_leaked_bytes, t.heap_leaked_bytes);
  leak.passed = leak.passed && m.leak_scanned;
  checks.push_back(leak);

  checks.push_back(within("waiting", "sleep_50ms -> nanosleep, blocked", Quantity::Seconds, m.sleep_seconds,
                          t.sleep_seconds, kWaitTolerance));
  checks.push_back(within("waiting", "join_spinner -> pthread_join, blocked", Quantity::Seconds, m.join_seconds,
                          t.join_seconds, kWaitTolerance));
  return checks;
}

int self_test_exit_status(const std::vector<SelfTestCheck>& checks) {
  for (const SelfTestCheck& c : checks)
    if (!c.passed) return 1;
  return checks.empty() ? 1 : 0;
}

}  // namespace fnprof::run
