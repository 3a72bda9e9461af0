// Splits a formula into tokens. Called for every token of every formula on
// every recalculation: the example's deliberately hot function.
#include <cctype>

#include "calc.h"

namespace calc {

Token Lexer::next() {
  while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  if (pos_ == text_.size()) return {};
  Token token;
  const size_t start = pos_;
  const char c = text_[pos_];
  if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
    double value = 0, scale = 0;
    for (; pos_ < text_.size(); ++pos_) {
      const char d = text_[pos_];
      if (d == '.' && scale == 0) {
        scale = 1;
      } else if (std::isdigit(static_cast<unsigned char>(d))) {
        value = value * 10 + (d - '0');
        scale *= 10;
      } else {
        break;
      }
    }
    token.kind = TokenKind::Number;
    token.number = scale > 0 ? value / scale : value;
  } else if (std::isalpha(static_cast<unsigned char>(c))) {
    int col = 0, row = 0;
    while (pos_ < text_.size() && std::isupper(static_cast<unsigned char>(text_[pos_])))
      col = col * 26 + (text_[pos_++] - 'A' + 1);
    const size_t digits = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])))
      row = row * 10 + (text_[pos_++] - '0');
    if (pos_ > digits && col > 0) {
      token.kind = TokenKind::Ref;
      token.ref = {row - 1, col - 1};
    } else {
      token.kind = TokenKind::Name;
    }
  } else {
    token.kind = TokenKind::Op;
    ++pos_;
  }
  token.text = text_.substr(start, pos_ - start);
  return token;
}

std::string format_ref(CellRef ref) {
  return std::string(1, static_cast<char>('A' + ref.col)) + std::to_string(ref.row + 1);
}

}  // namespace calc
