#include "sheet.h"

Sheet::Sheet(int rows, int cols) : rows_(rows), cols_(cols), cells_(rows * cols) {}

void Sheet::set_number(calc::CellRef ref, double value) {
  Cell& cell = at(ref);
  cell = Cell{};
  cell.value = value;
}

void Sheet::set_formula(calc::CellRef ref, std::string formula) {
  Cell& cell = at(ref);
  cell.state = State::Stale;
  cell.formula = std::move(formula);
}

RecalcResult Sheet::recalc() {
  for (Cell& cell : cells_)
    if (cell.state != State::Constant) cell.state = State::Stale;
  RecalcResult result;
  values_.clear();
  for (int row = 0; row < rows_; ++row) {
    for (int col = 0; col < cols_; ++col) {
      Cell& cell = at({row, col});
      if (cell.state == State::Stale) evaluate_cell(cell);
    }
  }
  for (const Cell& cell : cells_) {
    result.formulas += cell.state != State::Constant;
    if (cell.state == State::Error) {
      ++result.errors;
    } else {
      result.sum += cell.value;
      values_.push_back(cell.value);
    }
  }
  return result;
}

// Formulas are parsed again on every evaluation: no parse cache. This is the
// inefficiency the profile of the example points at (calc::Lexer::next and
// the parser on top).
void Sheet::evaluate_cell(Cell& cell) {
  cell.state = State::Busy;
  try {
    auto tree = calc::parse(cell.formula);
    cell.value = calc::evaluate(*tree, *this);
    cell.state = State::Done;
  } catch (const calc::EvalError& e) {
    cell.state = State::Error;
    cell.error = e.what();
  }
}

double Sheet::cell_value(calc::CellRef ref) {
  if (ref.row < 0 || ref.row >= rows_ || ref.col < 0 || ref.col >= cols_)
    throw calc::EvalError("#REF!");
  Cell& cell = at(ref);
  if (cell.state == State::Stale) evaluate_cell(cell);
  switch (cell.state) {
    case State::Busy: throw calc::EvalError("#CYCLE!");
    case State::Error: throw calc::EvalError(cell.error);
    default: return cell.value;
  }
}

std::string Sheet::display(calc::CellRef ref) const {
  const Cell& cell = at(ref);
  if (cell.state == State::Error) return cell.error;
  return std::to_string(cell.value);
}
