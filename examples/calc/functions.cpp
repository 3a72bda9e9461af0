// The spreadsheet functions: SUM, AVERAGE, MIN, MAX over values and ranges,
// ABS, and IF (which evaluates only the branch it takes).
#include <algorithm>
#include <cmath>
#include <functional>

#include "calc.h"

namespace calc {
namespace {

// Calls fn(value) for every value of the arguments, expanding ranges.
void for_each_value(const Node& call, CellSource& cells, const std::function<void(double)>& fn) {
  for (const auto& arg : call.args) {
    if (arg->kind != Node::Kind::Range) {
      fn(evaluate(*arg, cells));
      continue;
    }
    for (int row = arg->from.row; row <= arg->to.row; ++row)
      for (int col = arg->from.col; col <= arg->to.col; ++col) fn(cells.cell_value({row, col}));
  }
}

double sum(const Node& call, CellSource& cells) {
  double total = 0;
  for_each_value(call, cells, [&](double v) { total += v; });
  return total;
}

double average(const Node& call, CellSource& cells) {
  double total = 0;
  int n = 0;
  for_each_value(call, cells, [&](double v) { total += v, ++n; });
  if (n == 0) throw EvalError("#DIV/0!");
  return total / n;
}

double extreme(const Node& call, CellSource& cells, bool want_max) {
  double best = want_max ? -HUGE_VAL : HUGE_VAL;
  for_each_value(call, cells, [&](double v) { best = want_max ? std::max(best, v) : std::min(best, v); });
  return best;
}

}  // namespace

double call_function(const Node& call, CellSource& cells) {
  const std::string& name = call.name;
  if (name == "SUM") return sum(call, cells);
  if (name == "AVERAGE") return average(call, cells);
  if (name == "MIN") return extreme(call, cells, false);
  if (name == "MAX") return extreme(call, cells, true);
  if (name == "ABS" && call.args.size() == 1) return std::fabs(evaluate(*call.args[0], cells));
  if (name == "IF" && call.args.size() == 3)
    return evaluate(*call.args[0], cells) != 0 ? evaluate(*call.args[1], cells)
                                               : evaluate(*call.args[2], cells);
  throw EvalError("#NAME? " + name);
}

}  // namespace calc
