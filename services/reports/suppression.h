// SPDX-License-Identifier: EUPL-1.2
// Small-cell suppression for published tables: no cell counting fewer than
// the minimum number of people is shown, and no hidden cell can be worked
// out from what is shown.
//
// Primary: a protected cell counting 1 to min-1 people is suppressed.
// Secondary: a reader knows every shown figure, that each row and column
// adds up to its total, that no figure is negative and that a "<5" cell
// holds 1 to min-1. While that pins a hidden cell to one value (a line with
// one hidden cell, a row total of 0 that makes its hidden cells 0, sums of
// several lines), the cheapest set of shown cells that lets it move is
// hidden too: cells a reader can work out are no partners, small non-zero
// cells come first, then zeros, the totals last (see cell_network.h).
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
