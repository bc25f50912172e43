// SPDX-License-Identifier: EUPL-1.2
// What a reader of a published grid can work out, as a flow network: each
// line (a row or column that adds up to its total) is a node and each cell
// an arc between the two lines it belongs to, so that every line's sum is
// the flow through its node. The shown cells are fixed; a hidden cell can
// hold another value exactly when a cycle of hidden cells runs through it
// along which every cell can move one way (up while below its bound, down
// while above it: no figure is negative, a "<5" cell holds 1 to 4). Sum
// tables are network matrices, so this is exact for whole numbers too: the
// cycle moves by 1 and gives another filling in whole numbers.
#ifndef WERKBANK_SERVICES_REPORTS_CELL_NETWORK_H_
#define WERKBANK_SERVICES_REPORTS_CELL_NETWORK_H_

#include <cstdint>
#include <vector>

#include "suppression.h"

namespace werkbank::reports {

class CellNetwork {
 public:
  // The grid must outlive the network; its cells' `suppressed` flags are
  // read on every call, so cells may be hidden between calls.
  CellNetwork(Grid& grid, int64_t min_people);

  // The grid's cells in row-major order.
  size_t size() const { return arcs_.size(); }
  Cell& cell(size_t k) const { return *arcs_[k].cell; }

  // Whether a reader can work out hidden cell `k` exactly from what is
  // shown.
  bool Pinned(size_t k) const;

  // Hides the fewest and least telling shown cells that make a cycle through
  // hidden cell `k`, so it can hold another value: small non-zero cells
  // first, then zeros, totals last. Returns whether it hid anything: false
  // when no such cycle exists.
  bool Unpin(size_t k);

 private:
  struct Arc {
    size_t from = 0, to = 0;
    Cell* cell = nullptr;
    double low = 0, high = 0;
    bool total = false;  // in a total row or column
  };
  // One step of a path: arc `arc` walked forward (its cell goes up) or
  // backward (down).
  struct Step {
    size_t arc;
    bool forward;
  };
  struct Cost;

  bool CanRise(const Arc& a, bool hidden) const;
  bool CanFall(const Arc& a, bool hidden) const;
  // Whether hidden cells alone lead from `from` to `to`, leaving out `skip`.
  bool Reaches(size_t from, size_t to, size_t skip) const;
  // The cheapest path from `from` to `to` over any cells but `skip`, shown
  // ones taken as hidden; empty when there is none.
  std::vector<Step> Cheapest(size_t from, size_t to, size_t skip,
                             Cost& cost) const;

  size_t nodes_ = 1;  // node 0 joins the cells of no line or one line
  std::vector<Arc> arcs_;
};

}  // namespace werkbank::reports

#endif  // WERKBANK_SERVICES_REPORTS_CELL_NETWORK_H_
