// SPDX-License-Identifier: EUPL-1.2
// Small-cell suppression: a figure about fewer than five people is hidden,
// and no hidden figure can be worked out from what is shown, by any
// combination of the rows' and columns' sums.
#include "services/reports/suppression.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace werkbank::testing {
namespace {

using reports::Cell;
using reports::Grid;

// A rows × columns table of head-counts with totals.
Grid WithTotals(const std::vector<std::vector<int>>& inner) {
  Grid g;
  const size_t r = inner.size(), c = inner[0].size();
  g.total_row = g.total_column = true;
  g.cells.assign(r + 1, std::vector<Cell>(c + 1));
  for (size_t i = 0; i < r; ++i) {
    for (size_t j = 0; j < c; ++j) {
      const double v = inner[i][j];
      g.cells[i][j].value += v;
      g.cells[i][c].value += v;
      g.cells[r][j].value += v;
      g.cells[r][c].value += v;
    }
  }
  for (auto& row : g.cells) {
    for (Cell& cell : row) cell.people = static_cast<int64_t>(cell.value);
  }
  g.row_keys.resize(r + 1);
  g.column_keys.resize(c + 1);
  return g;
}

// Whether a reader who knows every shown figure and that each row and
// column adds up to its total can compute hidden cell `target` exactly: the
// case when its unit vector lies in the span of the sum equations restricted
// to the hidden cells (Gaussian elimination).
bool Derivable(const Grid& g, size_t target) {
  std::vector<const Cell*> hidden;
  std::vector<std::pair<size_t, size_t>> where;
  for (size_t i = 0; i < g.cells.size(); ++i) {
    for (size_t j = 0; j < g.cells[i].size(); ++j) {
      if (g.cells[i][j].suppressed) {
        hidden.push_back(&g.cells[i][j]);
        where.emplace_back(i, j);
      }
    }
  }
  const size_t n = hidden.size();
  const size_t rows = g.cells.size(), cols = g.cells[0].size();
  std::vector<std::vector<double>> eq;
  // Row i: inner cells minus the total = 0; column j likewise.
  for (size_t i = 0; i < rows; ++i) {
    std::vector<double> e(n, 0);
    for (size_t k = 0; k < n; ++k) {
      if (where[k].first == i) e[k] = where[k].second + 1 == cols ? -1 : 1;
    }
    eq.push_back(e);
  }
  for (size_t j = 0; j < cols; ++j) {
    std::vector<double> e(n, 0);
    for (size_t k = 0; k < n; ++k) {
      if (where[k].second == j) e[k] = where[k].first + 1 == rows ? -1 : 1;
    }
    eq.push_back(e);
  }
  auto rank = [](std::vector<std::vector<double>> m) {
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
  };
  std::vector<double> unit(n, 0);
  unit[target] = 1;
  auto with = eq;
  with.push_back(unit);
  return rank(with) == rank(eq);
}

TEST(Suppression, AFigureAboutFewerThanFivePeopleIsHiddenAndSoIsItsPartner) {
  // Row "club": 3 people in March. Its row total (3) would give it away, and
  // so would the March column.
  Grid g = WithTotals({{20, 12}, {0, 3}, {9, 14}});
  reports::Suppress(g, 5);
  EXPECT_TRUE(g.cells[1][1].suppressed);
  EXPECT_TRUE(g.cells[1][1].primary);
  for (size_t k = 0; k < 2; ++k) EXPECT_FALSE(Derivable(g, k));
  EXPECT_FALSE(g.cells[3][2].suppressed) << "the grand total stays";
}

TEST(Suppression, NothingHiddenCanBeWorkedOutFromTheSums) {
  std::mt19937 random(42);
  int tables_with_hidden = 0;
  for (int round = 0; round < 300; ++round) {
    const size_t rows = 2 + random() % 4, cols = 2 + random() % 5;
    std::vector<std::vector<int>> inner(rows, std::vector<int>(cols));
    for (auto& r : inner) {
      for (int& v : r)
        v = random() % 3 == 0 ? 0 : static_cast<int>(random() % 14);
    }
    Grid g = WithTotals(inner);
    reports::Suppress(g, 5);
    size_t hidden = 0;
    for (size_t i = 0; i < g.cells.size(); ++i) {
      for (size_t j = 0; j < g.cells[i].size(); ++j) {
        const Cell& c = g.cells[i][j];
        if (c.protect && c.people > 0 && c.people < 5) {
          EXPECT_TRUE(c.suppressed) << "round " << round;
        }
        if (c.suppressed) ++hidden;
      }
    }
    if (hidden > 0) ++tables_with_hidden;
    for (size_t k = 0; k < hidden; ++k) {
      EXPECT_FALSE(Derivable(g, k))
          << "round " << round << ": hidden cell " << k << " can be computed";
    }
  }
  EXPECT_GT(tables_with_hidden, 100);
}

TEST(Suppression, LinkedFiguresAreHiddenTogether) {
  Grid a = WithTotals({{3, 9}, {8, 9}});
  Grid b = WithTotals({{1, 2}, {10, 10}});
  b.cells[0][2].value = 12;  // the same row total as a's, on purpose
  b.cells[0][2].people = 12;
  reports::SuppressAll({&a, &b}, {{{&a, 0, 2}, {&b, 0, 2}}}, 5);
  EXPECT_EQ(a.cells[0][2].suppressed, b.cells[0][2].suppressed);
}

}  // namespace
}  // namespace werkbank::testing
