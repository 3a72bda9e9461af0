// Evaluates a parsed formula. Recursive over the tree; cell references go
// back to the CellSource, which may evaluate other formulas (and so recurse
// into evaluate() again).
#include "calc.h"

namespace calc {
namespace {

double divide(double lhs, double rhs) {
  if (rhs == 0) throw EvalError("#DIV/0!");
  return lhs / rhs;
}

double apply(char op, double lhs, double rhs) {
  switch (op) {
    case '+': return lhs + rhs;
    case '-': return lhs - rhs;
    case '*': return lhs * rhs;
    case '/': return divide(lhs, rhs);
    case '<': return lhs < rhs;
    case '>': return lhs > rhs;
  }
  throw EvalError("#OP?");
}

}  // namespace

double evaluate(const Node& node, CellSource& cells) {
  switch (node.kind) {
    case Node::Kind::Number: return node.number;
    case Node::Kind::Ref: return cells.cell_value(node.from);
    case Node::Kind::Range: throw EvalError("#VALUE!");  // only as a function argument
    case Node::Kind::Negate: return -evaluate(*node.args[0], cells);
    case Node::Kind::Binary:
      return apply(node.op, evaluate(*node.args[0], cells), evaluate(*node.args[1], cells));
    case Node::Kind::Call: return call_function(node, cells);
  }
  throw EvalError("#NODE?");
}

}  // namespace calc
