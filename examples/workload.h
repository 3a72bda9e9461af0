// The example's input: spreadsheets generated from a seed, always the same.
#pragma once

#include "sheet.h"

inline constexpr int kSheetCols = 8;  // A..H

Sheet make_sheet(unsigned seed, int rows);
