// SPDX-License-Identifier: EUPL-1.2
// Small-cell suppression; see suppression.h.
#include "suppression.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace werkbank::reports {
namespace {

// One line: the cells of a row or column, the total (if any) last.
using Line = std::vector<Cell*>;

std::vector<Line> Lines(Grid& g) {
  std::vector<Line> lines;
  const size_t rows = g.cells.size();
  const size_t cols = rows == 0 ? 0 : g.cells[0].size();
  // Rows add up only when there is a total column, columns when there is a
  // total row.
  if (g.total_column) {
    for (size_t r = 0; r < rows; ++r) {
      Line line;
      for (size_t c = 0; c < cols; ++c) line.push_back(&g.cells[r][c]);
      lines.push_back(std::move(line));
    }
  }
  if (g.total_row) {
    for (size_t c = 0; c < cols; ++c) {
      Line line;
      for (size_t r = 0; r < rows; ++r) line.push_back(&g.cells[r][c]);
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

// The cell to suppress next to a lone suppressed one: the smallest non-zero
// cell, else a zero cell, else the total (the last of the line).
Cell* Partner(const Line& line) {
  Cell* best = nullptr;
  double best_key = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    Cell* c = line[i];
    if (c->suppressed) continue;
    const double key = c->value > 0 ? c->value : 1e300;  // zeros after
    if (best == nullptr || key < best_key) {
      best = c;
      best_key = key;
    }
  }
  if (best != nullptr) return best;
  Cell* total = line.back();
  return total->suppressed ? nullptr : total;
}

size_t Rank(std::vector<std::vector<double>> m) {
  size_t r = 0;
  const size_t width = m.empty() ? 0 : m[0].size();
  for (size_t c = 0; c < width && r < m.size(); ++c) {
    size_t p = r;
    while (p < m.size() && std::fabs(m[p][c]) < 1e-9) ++p;
    if (p == m.size()) continue;
    std::swap(m[p], m[r]);
    for (size_t i = 0; i < m.size(); ++i) {
      if (i == r || std::fabs(m[i][c]) < 1e-9) continue;
      const double f = m[i][c] / m[r][c];
      for (size_t k = c; k < width; ++k) m[i][k] -= f * m[r][k];
    }
    ++r;
  }
  return r;
}

// A hidden cell that the lines' sums give away exactly: its unit vector is
// in the span of the line equations over the hidden cells. Null if none.
Cell* FirstDerivable(const std::vector<Line>& lines) {
  std::vector<Cell*> hidden;
  for (const Line& line : lines) {
    for (Cell* c : line) {
      if (c->suppressed &&
          std::find(hidden.begin(), hidden.end(), c) == hidden.end()) {
        hidden.push_back(c);
      }
    }
  }
  std::vector<std::vector<double>> eq;
  for (const Line& line : lines) {
    std::vector<double> e(hidden.size(), 0);
    for (size_t i = 0; i < line.size(); ++i) {
      auto it = std::find(hidden.begin(), hidden.end(), line[i]);
      if (it != hidden.end())
        e[it - hidden.begin()] = i + 1 == line.size() ? -1 : 1;
    }
    eq.push_back(std::move(e));
  }
  const size_t base = Rank(eq);
  for (size_t k = 0; k < hidden.size(); ++k) {
    auto with = eq;
    with.emplace_back(hidden.size(), 0);
    with.back()[k] = 1;
    if (Rank(std::move(with)) == base) return hidden[k];
  }
  return nullptr;
}

}  // namespace

bool Suppress(Grid& g, int64_t min_people) {
  bool changed = false;
  for (auto& row : g.cells) {
    for (Cell& c : row) {
      if (!c.suppressed && c.protect && c.people > 0 && c.people < min_people) {
        c.suppressed = c.primary = true;
        changed = true;
      }
    }
  }
  const std::vector<Line> lines = Lines(g);
  for (bool again = true; again;) {
    again = false;
    for (const Line& line : lines) {
      int suppressed = 0;
      for (const Cell* c : line) suppressed += c->suppressed ? 1 : 0;
      if (suppressed != 1) continue;
      if (Cell* p = Partner(line)) {
        p->suppressed = true;
        again = changed = true;
      }
    }
    if (again) continue;
    // Several lines together can still give a cell away: hide one more
    // cell of a line through it, and look again.
    Cell* exposed = FirstDerivable(lines);
    if (exposed == nullptr) break;
    for (const Line& line : lines) {
      if (std::find(line.begin(), line.end(), exposed) == line.end()) continue;
      if (Cell* p = Partner(line)) {
        p->suppressed = true;
        again = changed = true;
        break;
      }
    }
  }
  return changed;
}

void SuppressAll(std::vector<Grid*> grids,
                 const std::vector<std::vector<CellRef>>& links,
                 int64_t min_people) {
  for (bool again = true; again;) {
    again = false;
    for (Grid* g : grids) again = Suppress(*g, min_people) || again;
    for (const auto& link : links) {
      bool any = false;
      for (const CellRef& ref : link) {
        any = any || ref.grid->cells[ref.row][ref.column].suppressed;
      }
      if (!any) continue;
      for (const CellRef& ref : link) {
        Cell& c = ref.grid->cells[ref.row][ref.column];
        if (!c.suppressed) {
          c.suppressed = true;
          again = true;
        }
      }
    }
  }
}

}  // namespace werkbank::reports
