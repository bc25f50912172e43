// SPDX-License-Identifier: EUPL-1.2
// Small-cell suppression for published tables: no cell counting fewer than
// the minimum number of people is shown, and no suppressed cell can be got
// back by subtracting the shown cells of its row or column from their total.
//
// Primary: a protected cell counting 1 to min-1 people is suppressed.
// Secondary: while a line (a row with its total, a column with its total)
// holds exactly one suppressed cell, the smallest other cell of that line is
// suppressed too (a non-zero one first, the total last); and while the sums
// of several lines together still give a hidden cell away exactly (linear
// algebra over the lines' equations), one more cell of a line through it.
// Linked cells (the same figure in two tables) are suppressed together.
#ifndef WERKBANK_SERVICES_REPORTS_SUPPRESSION_H_
#define WERKBANK_SERVICES_REPORTS_SUPPRESSION_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace werkbank::reports {

struct Cell {
  double value = 0;
  int64_t people = 0;   // how many people the figure is about
  bool protect = true;  // false: a figure about no one (visits, maintenance)
  bool suppressed = false;
  bool primary = false;  // suppressed for its own size
};

// Rows × columns; with totals the last row and/or column hold them.
struct Grid {
  std::string name;
  std::vector<std::string> row_keys;
  std::vector<std::string> column_keys;
  std::vector<std::vector<Cell>> cells;  // [row][column]
  bool total_row = false;
  bool total_column = false;
};

// Suppresses cells of `grid` in place; keeps what is already suppressed.
// Returns whether anything changed.
bool Suppress(Grid& grid, int64_t min_people);

// The same figure in several places: (grid, row, column).
struct CellRef {
  Grid* grid;
  size_t row;
  size_t column;
};

// Suppresses every grid and keeps each group of linked cells alike, until
// nothing changes.
void SuppressAll(std::vector<Grid*> grids,
                 const std::vector<std::vector<CellRef>>& links,
                 int64_t min_people);

}  // namespace werkbank::reports

#endif  // WERKBANK_SERVICES_REPORTS_SUPPRESSION_H_
