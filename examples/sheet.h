// A spreadsheet: a grid of numbers and formulas. recalc() evaluates every
// formula from scratch, row by row. A formula that refers to a cell not yet
// evaluated pulls that cell in first: recalculation recurses through
// cell_value() -> evaluate_cell() -> calc::evaluate(). A cell whose formula
// throws calc::EvalError shows the error, and so does every cell that refers
// to it.
#pragma once

#include <string>
#include <vector>

#include "calc/calc.h"

struct RecalcResult {
  double sum = 0;   // of the cells that have a value
  int errors = 0;   // cells showing an error
  int formulas = 0; // formulas evaluated
};

class Sheet : public calc::CellSource {
 public:
  Sheet(int rows, int cols);

  void set_number(calc::CellRef ref, double value);
  void set_formula(calc::CellRef ref, std::string formula);
  RecalcResult recalc();
  double cell_value(calc::CellRef ref) override;

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  // After recalc(): the value of a cell, or its error text.
  std::string display(calc::CellRef ref) const;
  const std::vector<double>& values() const { return values_; }

 private:
  enum class State { Constant, Stale, Busy, Done, Error };
  struct Cell {
    State state = State::Constant;
    double value = 0;
    std::string formula;
    std::string error;
  };

  Cell& at(calc::CellRef ref) { return cells_[ref.row * cols_ + ref.col]; }
  const Cell& at(calc::CellRef ref) const { return cells_[ref.row * cols_ + ref.col]; }
  void evaluate_cell(Cell& cell);

  int rows_, cols_;
  std::vector<Cell> cells_;
  std::vector<double> values_;  // the cell values of the last recalc()
};
