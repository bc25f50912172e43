// SPDX-License-Identifier: EUPL-1.2
// A grid as a flow network; see cell_network.h.
#include "cell_network.h"

#include <limits>
#include <queue>
#include <tuple>

namespace werkbank::reports {
namespace {

constexpr double kSlack = 1e-9;

}  // namespace

// What hiding a path's shown cells costs, compared in this order: the
// totals hidden, the zeros hidden, the figures hidden, the cells hidden.
struct CellNetwork::Cost {
  int totals = 0;
  int zeros = 0;
  double figures = 0;
  int cells = 0;

  Cost operator+(const Cost& o) const {
    return {totals + o.totals, zeros + o.zeros, figures + o.figures,
            cells + o.cells};
  }
  bool operator<(const Cost& o) const {
    return std::tie(totals, zeros, figures, cells) <
           std::tie(o.totals, o.zeros, o.figures, o.cells);
  }
};

CellNetwork::CellNetwork(Grid& g, int64_t min_people) {
  const size_t rows = g.cells.size();
  const size_t cols = rows == 0 ? 0 : g.cells[0].size();
  // Rows add up only when there is a total column, columns only when there
  // is a total row. A row's parts flow out of its node and its total in; a
  // column the other way round; the total row and the total column, whose
  // parts are totals themselves, are turned round, so that each cell leaves
  // one of its lines and enters the other.
  const size_t row_base = nodes_;
  if (g.total_column) nodes_ += rows;
  const size_t column_base = nodes_;
  if (g.total_row) nodes_ += cols;
  for (size_t i = 0; i < rows; ++i) {
    for (size_t j = 0; j < cols; ++j) {
      Arc a;
      a.cell = &g.cells[i][j];
      a.total =
          (g.total_row && i + 1 == rows) || (g.total_column && j + 1 == cols);
      if (g.total_column) {
        const bool part = j + 1 < cols;
        const bool turned = g.total_row && i + 1 == rows;
        (part != turned ? a.from : a.to) = row_base + i;
      }
      if (g.total_row) {
        const bool part = i + 1 < rows;
        const bool turned = g.total_column && j + 1 == cols;
        (part != turned ? a.to : a.from) = column_base + j;
      }
      // A figure shown as "<5" is a head-count of 1 to min-1; anything else
      // is only known not to be negative.
      const Cell& c = *a.cell;
      const bool head_count = c.value == static_cast<double>(c.people);
      a.low = c.primary && head_count ? 1 : 0;
      a.high = c.primary && head_count
                   ? static_cast<double>(min_people - 1)
                   : std::numeric_limits<double>::infinity();
      arcs_.push_back(a);
    }
  }
}

bool CellNetwork::CanRise(const Arc& a, bool hidden) const {
  return hidden ? a.cell->value < a.high - kSlack : true;
}

bool CellNetwork::CanFall(const Arc& a, bool hidden) const {
  // A shown cell hidden now is a secondary one: at least 0.
  return a.cell->value > (hidden ? a.low : 0) + kSlack;
}

bool CellNetwork::Reaches(size_t from, size_t to, size_t skip) const {
  std::vector<bool> seen(nodes_, false);
  std::vector<size_t> todo = {from};
  seen[from] = true;
  while (!todo.empty()) {
    const size_t n = todo.back();
    todo.pop_back();
    if (n == to) return true;
    for (size_t k = 0; k < arcs_.size(); ++k) {
      const Arc& a = arcs_[k];
      if (k == skip || !a.cell->suppressed) continue;
      for (bool forward : {true, false}) {
        if (forward ? a.from != n || !CanRise(a, true)
                    : a.to != n || !CanFall(a, true)) {
          continue;
        }
        const size_t next = forward ? a.to : a.from;
        if (seen[next]) continue;
        seen[next] = true;
        todo.push_back(next);
      }
    }
  }
  return false;
}

bool CellNetwork::Pinned(size_t k) const {
  const Arc& a = arcs_[k];
  if (!a.cell->suppressed) return true;
  // Up: back from its head to its tail through the others; down: the
  // other way.
  if (CanRise(a, true) && Reaches(a.to, a.from, k)) return false;
  if (CanFall(a, true) && Reaches(a.from, a.to, k)) return false;
  return true;
}

std::vector<CellNetwork::Step> CellNetwork::Cheapest(size_t from, size_t to,
                                                     size_t skip,
                                                     Cost& cost) const {
  std::vector<Cost> best(nodes_);
  std::vector<bool> reached(nodes_, false), done(nodes_, false);
  std::vector<Step> via(nodes_, Step{arcs_.size(), true});
  using Entry = std::pair<Cost, size_t>;
  auto later = [](const Entry& x, const Entry& y) { return y.first < x.first; };
  std::priority_queue<Entry, std::vector<Entry>, decltype(later)> queue(later);
  reached[from] = true;
  queue.push({Cost{}, from});
  while (!queue.empty()) {
    const size_t n = queue.top().second;
    queue.pop();
    if (done[n]) continue;
    done[n] = true;
    if (n == to) break;
    for (size_t k = 0; k < arcs_.size(); ++k) {
      if (k == skip) continue;
      const Arc& a = arcs_[k];
      const bool hidden = a.cell->suppressed;
      Cost step;
      if (!hidden) {
        step.totals = a.total ? 1 : 0;
        step.zeros = a.cell->value == 0 ? 1 : 0;
        step.figures = a.cell->value;
        step.cells = 1;
      }
      for (bool forward : {true, false}) {
        if (forward ? a.from != n || !CanRise(a, hidden)
                    : a.to != n || !CanFall(a, hidden)) {
          continue;
        }
        const size_t next = forward ? a.to : a.from;
        const Cost c = best[n] + step;
        if (done[next] || (reached[next] && !(c < best[next]))) continue;
        reached[next] = true;
        best[next] = c;
        via[next] = {k, forward};
        queue.push({c, next});
      }
    }
  }
  std::vector<Step> path;
  if (!done[to]) return path;
  cost = best[to];
  for (size_t n = to; n != from;) {
    const Step s = via[n];
    path.push_back(s);
    n = s.forward ? arcs_[s.arc].from : arcs_[s.arc].to;
  }
  return path;
}

bool CellNetwork::Unpin(size_t k) {
  const Arc& a = arcs_[k];
  std::vector<Step> path;
  Cost cost;
  bool found = false;
  if (CanRise(a, true)) {
    Cost up;
    path = Cheapest(a.to, a.from, k, up);
    found = !path.empty() || a.to == a.from;
    cost = up;
  }
  if (CanFall(a, true)) {
    Cost down;
    std::vector<Step> other = Cheapest(a.from, a.to, k, down);
    if ((!other.empty() || a.from == a.to) && (!found || down < cost)) {
      path = std::move(other);
      found = true;
    }
  }
  if (!found) return false;
  bool hid = false;
  for (const Step& s : path) {
    Cell& c = *arcs_[s.arc].cell;
    hid = hid || !c.suppressed;
    c.suppressed = true;
  }
  return hid;
}

}  // namespace werkbank::reports
