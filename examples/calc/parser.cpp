// Recursive descent parser:
//   comparison := additive [('<' | '>') additive]
//   additive   := term {('+' | '-') term}
//   term       := unary {('*' | '/') unary}
//   unary      := '-' unary | primary
//   primary    := number | ref [':' ref] | name '(' [comparison {',' comparison}] ')'
//               | '(' comparison ')'
#include "calc.h"

namespace calc {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) { advance(); }

  std::unique_ptr<Node> formula() {
    auto node = comparison();
    if (token_.kind != TokenKind::End) fail("unexpected trailing input");
    return node;
  }

 private:
  void advance() { token_ = lexer_.next(); }
  bool at_op(char op) const {
    return token_.kind == TokenKind::Op && token_.text.size() == 1 && token_.text[0] == op;
  }
  void expect(char op) {
    if (!at_op(op)) fail(std::string("expected '") + op + "'");
    advance();
  }
  [[noreturn]] void fail(const std::string& what) {
    throw ParseError(what + " at '" + std::string(token_.text) + "'");
  }

  static std::unique_ptr<Node> binary(char op, std::unique_ptr<Node> lhs, std::unique_ptr<Node> rhs) {
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::Binary;
    node->op = op;
    node->args.push_back(std::move(lhs));
    node->args.push_back(std::move(rhs));
    return node;
  }

  std::unique_ptr<Node> comparison() {
    auto lhs = additive();
    if (at_op('<') || at_op('>')) {
      const char op = token_.text[0];
      advance();
      lhs = binary(op, std::move(lhs), additive());
    }
    return lhs;
  }

  std::unique_ptr<Node> additive() {
    auto lhs = term();
    while (at_op('+') || at_op('-')) {
      const char op = token_.text[0];
      advance();
      lhs = binary(op, std::move(lhs), term());
    }
    return lhs;
  }

  std::unique_ptr<Node> term() {
    auto lhs = unary();
    while (at_op('*') || at_op('/')) {
      const char op = token_.text[0];
      advance();
      lhs = binary(op, std::move(lhs), unary());
    }
    return lhs;
  }

  std::unique_ptr<Node> unary() {
    if (!at_op('-')) return primary();
    advance();
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::Negate;
    node->args.push_back(unary());
    return node;
  }

  std::unique_ptr<Node> primary() {
    auto node = std::make_unique<Node>();
    switch (token_.kind) {
      case TokenKind::Number:
        node->number = token_.number;
        advance();
        return node;
      case TokenKind::Ref:
        node->kind = Node::Kind::Ref;
        node->from = token_.ref;
        advance();
        if (at_op(':')) {
          advance();
          if (token_.kind != TokenKind::Ref) fail("expected a cell after ':'");
          node->kind = Node::Kind::Range;
          node->to = token_.ref;
          advance();
        }
        return node;
      case TokenKind::Name:
        node->kind = Node::Kind::Call;
        node->name = token_.text;
        advance();
        expect('(');
        if (!at_op(')')) {
          node->args.push_back(comparison());
          while (at_op(',')) {
            advance();
            node->args.push_back(comparison());
          }
        }
        expect(')');
        return node;
      case TokenKind::Op:
        if (at_op('(')) {
          advance();
          auto inner = comparison();
          expect(')');
          return inner;
        }
        break;
      case TokenKind::End:
        break;
    }
    fail("expected a value");
  }

  Lexer lexer_;
  Token token_;
};

}  // namespace

std::unique_ptr<Node> parse(std::string_view formula) { return Parser(formula).formula(); }

}  // namespace calc
