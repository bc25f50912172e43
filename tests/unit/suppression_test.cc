// SPDX-License-Identifier: EUPL-1.2
// Small-cell suppression: a figure about fewer than five people is hidden,
// and no hidden figure can be worked out from what is shown, by any
// combination of the rows' and columns' sums.
#include "services/reports/suppression.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"

namespace werkbank::testing {
namespace {

using reports::Cell;
using reports::Grid;
using ::testing::IsEmpty;

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

// An oracle that knows nothing of how cells are chosen: it searches every
// way of filling the hidden cells with whole numbers that a reader cannot
// rule out. A reader knows every shown figure, that each row and column adds
// up to its total, that no figure is negative, and that a cell shown as "<5"
// (a primary one) holds 1 to 4. A hidden cell about 1 to 4 people that holds
// the same number in every such filling is given away.
class Filler {
 public:
  Filler(const Grid& g, int64_t min_people) : g_(g) {
    const size_t rows = g.cells.size(), cols = g.cells[0].size();
    value_.assign(rows, std::vector<int64_t>(cols, -1));
    int64_t everyone = 0;
    for (size_t i = 0; i < rows; ++i) {
      for (size_t j = 0; j < cols; ++j) {
        everyone = std::max(everyone, g.cells[i][j].people);
        if (!g.cells[i][j].suppressed) value_[i][j] = g.cells[i][j].people;
      }
    }
    if (g.total_column) {
      for (size_t i = 0; i < rows; ++i) {
        Line line;
        for (size_t j = 0; j < cols; ++j) line.emplace_back(i, j);
        lines_.push_back(line);
      }
    }
    if (g.total_row) {
      for (size_t j = 0; j < cols; ++j) {
        Line line;
        for (size_t i = 0; i < rows; ++i) line.emplace_back(i, j);
        lines_.push_back(line);
      }
    }
    // Bounds: "<5" for a primary cell; any other hidden figure is at least
    // 0, and the search looks up to well past the largest figure of the
    // table (any other filling differs from the true one by a few people).
    for (size_t i = 0; i < rows; ++i) {
      for (size_t j = 0; j < cols; ++j) {
        if (!g.cells[i][j].suppressed) continue;
        hidden_.emplace_back(i, j);
        if (g.cells[i][j].primary) {
          low_.push_back(1);
          high_.push_back(min_people - 1);
        } else {
          low_.push_back(0);
          high_.push_back(2 * everyone + 2);
        }
      }
    }
  }

  // The hidden cells that are about 1 to min-1 people, or primary.
  std::vector<size_t> Small(int64_t min_people) const {
    std::vector<size_t> small;
    for (size_t h = 0; h < hidden_.size(); ++h) {
      const Cell& c = g_.cells[hidden_[h].first][hidden_[h].second];
      if (c.primary || (c.protect && c.people > 0 && c.people < min_people)) {
        small.push_back(h);
      }
    }
    return small;
  }

  // Whether some filling puts `v` into hidden cell `h`; nullopt when the
  // search is too big to finish.
  std::optional<bool> CanHold(size_t h, int64_t v) {
    nodes_ = 0;
    cell(hidden_[h]) = v;
    const std::optional<bool> found = Fill();
    cell(hidden_[h]) = -1;
    return found;
  }

  size_t hidden() const { return hidden_.size(); }
  int64_t low(size_t h) const { return low_[h]; }
  int64_t high(size_t h) const { return high_[h]; }
  int64_t people(size_t h) const {
    return g_.cells[hidden_[h].first][hidden_[h].second].people;
  }

 private:
  using At = std::pair<size_t, size_t>;
  using Line = std::vector<At>;  // its parts, then its total

  int64_t& cell(const At& at) { return value_[at.first][at.second]; }
  size_t Index(const At& at) const {
    return std::find(hidden_.begin(), hidden_.end(), at) - hidden_.begin();
  }

  // Whether a line can still add up: the known parts and the least the open
  // ones can hold must not pass a known total, and a line with everything
  // known must add up.
  bool Possible(const Line& line) {
    int64_t least = 0, most = 0;
    bool open = false;
    for (size_t k = 0; k + 1 < line.size(); ++k) {
      const int64_t v = cell(line[k]);
      if (v >= 0) {
        least += v;
        most += v;
      } else {
        open = true;
        least += low_[Index(line[k])];
        most += high_[Index(line[k])];
      }
    }
    const int64_t total = cell(line.back());
    if (total < 0) {
      const size_t t = Index(line.back());
      return least <= high_[t] && most >= low_[t];
    }
    return open ? least <= total && most >= total : least == total;
  }

  std::optional<bool> Fill() {
    if (++nodes_ > 2'000'000) return std::nullopt;
    for (const Line& line : lines_) {
      if (!Possible(line)) return false;
    }
    // A line with one open cell decides it.
    for (const Line& line : lines_) {
      size_t open = line.size(), count = 0;
      int64_t parts = 0;
      for (size_t k = 0; k < line.size(); ++k) {
        if (cell(line[k]) < 0) {
          open = k;
          ++count;
        } else if (k + 1 < line.size()) {
          parts += cell(line[k]);
        }
      }
      if (count != 1) continue;
      const int64_t v =
          open + 1 == line.size() ? parts : cell(line.back()) - parts;
      const size_t h = Index(line[open]);
      if (v < low_[h] || v > high_[h]) return false;
      cell(line[open]) = v;
      const std::optional<bool> found = Fill();
      cell(line[open]) = -1;
      return found;
    }
    size_t h = 0;
    while (h < hidden_.size() && cell(hidden_[h]) >= 0) ++h;
    if (h == hidden_.size()) return true;
    for (int64_t v = low_[h]; v <= high_[h]; ++v) {
      cell(hidden_[h]) = v;
      const std::optional<bool> found = Fill();
      if (!found || *found) {
        cell(hidden_[h]) = -1;
        return found;
      }
    }
    cell(hidden_[h]) = -1;
    return false;
  }

  const Grid& g_;
  std::vector<std::vector<int64_t>> value_;  // -1: open
  std::vector<Line> lines_;
  std::vector<At> hidden_;
  std::vector<int64_t> low_, high_;
  int64_t nodes_ = 0;
};

// The small hidden cells that hold one possible value, as "row,column=v";
// nullopt when the search could not finish.
std::optional<std::vector<std::string>> PinnedSmallCells(const Grid& g,
                                                         int64_t min_people) {
  Filler filler(g, min_people);
  std::vector<std::string> pinned;
  for (size_t h : filler.Small(min_people)) {
    const int64_t truth = filler.people(h);
    bool another = false;
    for (int64_t v = filler.low(h); v <= filler.high(h) && !another; ++v) {
      if (v == truth) continue;
      const std::optional<bool> found = filler.CanHold(h, v);
      if (!found) return std::nullopt;
      another = *found;
    }
    if (!another) pinned.push_back(absl::StrCat("cell ", h, "=", truth));
  }
  return pinned;
}

std::string Shown(const Grid& g) {
  std::string shown;
  for (const auto& row : g.cells) {
    for (const Cell& c : row) {
      absl::StrAppend(&shown, c.suppressed ? "[" : " ", c.people,
                      c.suppressed ? "]" : " ");
    }
    shown += "\n";
  }
  return shown;
}

// Random tables with totals, every fourth one with column totals only (as
// the visits by group). For scale: suppressing a 10 × 12 grid (ten group
// types by the months of a year) took 0.3 to 0.6 ms on average and at most
// 5 ms on the two-core build machine.
TEST(Suppression, NoFillingOfTheHiddenCellsPinsOneOfThem) {
  std::mt19937 random(7);
  int with_hidden = 0, checked = 0;
  for (int round = 0; round < 400; ++round) {
    const size_t rows = 2 + random() % 3, cols = 2 + random() % 3;
    std::vector<std::vector<int>> inner(rows, std::vector<int>(cols));
    for (auto& r : inner) {
      for (int& v : r)
        v = random() % 3 == 0 ? 0 : static_cast<int>(random() % 9);
    }
    Grid g = WithTotals(inner);
    if (round % 4 == 3) {
      for (auto& row : g.cells) row.pop_back();
      g.column_keys.pop_back();
      g.total_column = false;
    }
    reports::Suppress(g, 5);
    bool any = false;
    for (const auto& row : g.cells) {
      for (const Cell& c : row) any |= c.suppressed;
    }
    if (!any) continue;
    ++with_hidden;
    const auto pinned = PinnedSmallCells(g, 5);
    if (!pinned) continue;
    ++checked;
    EXPECT_THAT(*pinned, IsEmpty())
        << "round " << round << ": a small hidden cell has one possible value "
        << "(hidden in [brackets]):\n"
        << Shown(g);
  }
  EXPECT_GT(with_hidden, 150);
  EXPECT_GT(checked, with_hidden * 9 / 10) << "the search gave up too often";
  std::cout << checked << " of " << with_hidden
            << " tables with hidden cells searched in full\n";
}

TEST(Suppression, AZeroRowGivesNoHiddenCellAway) {
  // A row total of 0 tells a reader that every cell of that row is 0: a
  // hidden 0 there is no partner at all, and the 2 next to it must still
  // have more than one possible value.
  Grid g = WithTotals({{0, 0, 0}, {0, 2, 7}, {0, 7, 0}});
  reports::Suppress(g, 5);
  ASSERT_TRUE(g.cells[1][1].primary);
  const auto pinned = PinnedSmallCells(g, 5);
  ASSERT_TRUE(pinned.has_value());
  EXPECT_THAT(*pinned, IsEmpty()) << "hidden in [brackets]:\n" << Shown(g);
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
