// libfnprof-example-calc: the formula language of the example spreadsheet.
// A formula such as "SUM(A1:A10)/(B2-3)" is lexed, parsed by recursive
// descent into a tree, and evaluated against a CellSource that supplies cell
// values. Evaluation errors (division by zero, a bad reference) are thrown as
// EvalError and caught by whoever evaluates the cell.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace calc {

struct EvalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CellRef {
  int row = 0;  // 0-based
  int col = 0;  // 0 = column A
};

// Where evaluation reads cells from; may throw EvalError.
class CellSource {
 public:
  virtual ~CellSource() = default;
  virtual double cell_value(CellRef ref) = 0;
};

enum class TokenKind { End, Number, Ref, Name, Op };

struct Token {
  TokenKind kind = TokenKind::End;
  double number = 0;
  CellRef ref;
  std::string_view text;  // the name or the operator character
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}
  Token next();

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

struct Node {
  enum class Kind { Number, Ref, Range, Negate, Binary, Call };
  Kind kind = Kind::Number;
  double number = 0;
  CellRef from, to;  // Ref uses from; Range uses both
  char op = 0;       // Binary: + - * / < >
  std::string name;  // Call
  std::vector<std::unique_ptr<Node>> args;
};

std::unique_ptr<Node> parse(std::string_view formula);  // throws ParseError
double evaluate(const Node& node, CellSource& cells);   // throws EvalError
double call_function(const Node& call, CellSource& cells);
std::string format_ref(CellRef ref);

}  // namespace calc
