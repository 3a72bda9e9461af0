#include "fnprof-run/self_test_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "model/display.h"

namespace fnprof::run {

namespace {

std::string quantity_text(Quantity q, double value) {
  switch (q) {
    case Quantity::Count: return group_digits(static_cast<uint64_t>(std::llround(value)));
    case Quantity::Bytes: return group_digits(static_cast<uint64_t>(std::llround(value))) + " B";
    case Quantity::Seconds: return format_duration(value);
    case Quantity::TicksPerSecond: return fmt::format("{:.4f} GHz", value / 1e9);
  }
  return {};
}

std::string tolerance_text(const SelfTestCheck& c) {
  switch (c.rule) {
    case SelfTestCheck::Rule::Exact: return "exact";
    case SelfTestCheck::Rule::Within: return fmt::format("±{:g}%", c.tolerance * 100);
    case SelfTestCheck::Rule::AtMost: return "≤ " + quantity_text(c.quantity, c.expected);
  }
  return {};
}

// What the measured value is off by: the relative error for a check within
// a tolerance, the difference for an exact one.
std::string error_text(const SelfTestCheck& c) {
  switch (c.rule) {
    case SelfTestCheck::Rule::Exact:
      return c.measured == c.expected ? "" : fmt::format("{:+.0f}", c.measured - c.expected);
    case SelfTestCheck::Rule::Within: return c.expected > 0 ? fmt::format("{:+.2f}%", c.error() * 100) : "no truth";
    case SelfTestCheck::Rule::AtMost: return "";
  }
  return {};
}

}  // namespace

void print_self_test(std::FILE* out, const std::string& program, const SelfTestMeasured& measured,
                     const std::vector<SelfTestCheck>& checks) {
  fmt::print(out, "program: {}, run under fnprof (tracker preloaded)\n", program);
  if (measured.clock == "tsc")
    fmt::print(out, "clock: tsc (invariant), {} ticks per second, calibrated against CLOCK_MONOTONIC from start-up to the dump\n",
               group_digits(static_cast<uint64_t>(measured.ticks_per_second)));
  else
    fmt::print(out, "clock: {} (no invariant TSC), 1 tick = 1 ns\n", measured.clock);
  if (measured.probe_measured)
    fmt::print(out, "hook cost: {} a call (enter and exit hooks), {} of it inside the call's own time; taken out of the times below\n",
               format_duration(measured.probe_pair_seconds), format_duration(measured.probe_inside_seconds));
  else
    fmt::print(out, "hook cost: not measured (the dump carries none): the times below are raw\n");
  struct Row {
    std::string cells[7];
  };
  std::vector<Row> rows{{{"area", "check", "measured", "truth", "error", "tolerance", "result"}}};
  for (const SelfTestCheck& c : checks)
    // An upper bound is no truth: the tolerance column says it.
    rows.push_back({{c.area, c.name, quantity_text(c.quantity, c.measured),
                     c.rule == SelfTestCheck::Rule::AtMost ? "" : quantity_text(c.quantity, c.expected),
                     error_text(c), tolerance_text(c), c.passed ? "PASS" : "FAIL"}});
  size_t width[7] = {};
  for (const Row& r : rows)
    for (size_t i = 0; i < 7; ++i) width[i] = std::max(width[i], code_points(r.cells[i]));
  for (const Row& r : rows) {
    std::string line;
    for (size_t i = 0; i < 7; ++i) {
      const std::string& cell = r.cells[i];
      std::string pad(width[i] - code_points(cell), ' ');
      // Names left, numbers right.
      line += i < 2 || i == 6 ? cell + pad : pad + cell;
      if (i < 6) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print(out, "{}\n", line);
  }
  const size_t failed = static_cast<size_t>(std::count_if(checks.begin(), checks.end(),
                                                          [](const SelfTestCheck& c) { return !c.passed; }));
  if (failed == 0 && !checks.empty())
    fmt::print(out, "verdict: PASS ({} of {} checks passed)\n", checks.size(), checks.size());
  else
    fmt::print(out, "verdict: FAIL ({} of {} checks failed)\n", failed, checks.size());
}

}  // namespace fnprof::run
