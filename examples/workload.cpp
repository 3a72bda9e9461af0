// Builds a "sales ledger" sheet: column A holds numbers from a seeded
// generator; B..H hold formulas of every kind the calc library knows:
// arithmetic, running ranges (SUM/AVERAGE over A1:An, which grow down the
// sheet), IF, MAX/MIN, a running total that chains every row to the one
// above, and a ratio that divides by zero on some rows (#DIV/0!, which then
// spreads to the cell that uses it).
#include "workload.h"

#include <string>

namespace {

// The generator of the numbers in column A (a 32-bit LCG: same on every
// platform).
class Lcg {
 public:
  explicit Lcg(unsigned seed) : state_(seed * 2654435761u + 1) {}
  int next(int bound) {
    state_ = state_ * 1664525u + 1013904223u;
    return static_cast<int>((state_ >> 8) % static_cast<unsigned>(bound));
  }

 private:
  unsigned state_;
};

std::string row_formula(int col, int r, int a_value) {
  const std::string n = std::to_string(r);
  const std::string up = std::to_string(r - 1);
  switch (col) {
    case 1: return "A" + n + "*1.5+D" + n + "/" + std::to_string(2 + r % 7);  // D: not evaluated yet
    case 2: return "B" + n + "-A" + n + "/2";
    case 3: return "AVERAGE(A1:A" + n + ")";
    case 4: return "IF(C" + n + ">D" + n + ", C" + n + "-D" + n + ", MAX(A" + n + ":D" + n + "))";
    case 5: return r == 1 ? "E1" : "E" + n + "+F" + up;  // running total
    // Divides by zero when A equals the constant, on every 11th row.
    case 6: return "F" + n + "/(A" + n + "-" + std::to_string(r % 11 == 4 ? a_value : 0) + ")";
    default: return "ABS(G" + n + ")+MIN(B" + n + ":F" + n + ")";
  }
}

}  // namespace

Sheet make_sheet(unsigned seed, int rows) {
  Sheet sheet(rows, kSheetCols);
  Lcg lcg(seed);
  for (int row = 0; row < rows; ++row) {
    const int a_value = 1 + lcg.next(100);
    sheet.set_number({row, 0}, a_value);
    for (int col = 1; col < kSheetCols; ++col) sheet.set_formula({row, col}, row_formula(col, row + 1, a_value));
  }
  return sheet;
}
