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
  const Cell* total = line.back();
  double hidden_sum = 0;
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    if (line[i]->suppressed) hidden_sum += line[i]->value;
  }
  Cell* best = nullptr;
  double best_key = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    Cell* c = line[i];
    if (c->suppressed) continue;
    // A zero partner protects only while the line's hidden cells add up to
    // more than nothing, or the total is hidden too.
    if (c->value <= 0 && hidden_sum <= 0 && !total->suppressed) continue;
    const double key = c->value > 0 ? c->value : 1e300;  // zeros after
    if (best == nullptr || key < best_key) {
      best = c;
      best_key = key;
    }
  }
  if (best != nullptr) return best;
  return line.back()->suppressed ? nullptr : line.back();
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

// The suppressed cells a reader can still work out, to a fixpoint of two
// rules: a cell whose unit vector lies in the span of the line equations
// over the cells not yet worked out (linear algebra); and, since no figure
// is negative, every unknown part of a line whose known parts already add
// up to its known total (they are all 0).
std::vector<const Cell*> WorkedOut(const std::vector<Line>& lines) {
  std::vector<const Cell*> known;
  auto is_known = [&](const Cell* c) {
    return !c->suppressed ||
           std::find(known.begin(), known.end(), c) != known.end();
  };
  for (bool more = true; more;) {
    more = false;
    for (const Line& line : lines) {
      if (!is_known(line.back())) continue;
      double parts = 0;
      for (size_t i = 0; i + 1 < line.size(); ++i) {
        if (is_known(line[i])) parts += line[i]->value;
      }
      if (std::fabs(parts - line.back()->value) > 1e-9) continue;
      for (size_t i = 0; i + 1 < line.size(); ++i) {
        if (!is_known(line[i])) {
          known.push_back(line[i]);
          more = true;
        }
      }
    }
    std::vector<const Cell*> unknown;
    for (const Line& line : lines) {
      for (const Cell* c : line) {
        if (!is_known(c) &&
            std::find(unknown.begin(), unknown.end(), c) == unknown.end()) {
          unknown.push_back(c);
        }
      }
    }
    std::vector<std::vector<double>> eq;
    for (const Line& line : lines) {
      std::vector<double> e(unknown.size(), 0);
      for (size_t i = 0; i < line.size(); ++i) {
        auto it = std::find(unknown.begin(), unknown.end(), line[i]);
        if (it != unknown.end())
          e[it - unknown.begin()] = i + 1 == line.size() ? -1 : 1;
      }
      eq.push_back(std::move(e));
    }
    const size_t base = Rank(eq);
    for (size_t k = 0; k < unknown.size(); ++k) {
      auto with = eq;
      with.emplace_back(unknown.size(), 0);
      with.back()[k] = 1;
      if (Rank(std::move(with)) == base) {
        known.push_back(unknown[k]);
        more = true;
      }
    }
  }
  return known;
}

bool Contains(const std::vector<const Cell*>& cells, const Cell* c) {
  return std::find(cells.begin(), cells.end(), c) != cells.end();
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
    const std::vector<const Cell*> known = WorkedOut(lines);
    for (const Line& line : lines) {
      int hiding = 0;
      for (const Cell* c : line) hiding += c->suppressed && !Contains(known, c);
      if (hiding != 1) continue;
      if (Cell* p = Partner(line)) {
        p->suppressed = true;
        again = changed = true;
      }
    }
    if (again) continue;
    // Several lines together can still give a cell away: hide one more
    // cell of a line through it, and look again. A cell worked out as 0
    // gives nobody away.
    for (const Cell* exposed : known) {
      if (exposed->value <= 0) continue;
      for (const Line& line : lines) {
        if (std::find(line.begin(), line.end(), exposed) == line.end()) {
          continue;
        }
        if (Cell* p = Partner(line)) {
          p->suppressed = true;
          again = changed = true;
          break;
        }
      }
      if (again) break;
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
