// SPDX-License-Identifier: EUPL-1.2
// Small-cell suppression; see suppression.h.
#include "suppression.h"

#include "cell_network.h"

namespace werkbank::reports {

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
  // Every hidden cell, the primary ones first, must keep more than one
  // possible value. Hiding more cells only widens what a reader must
  // allow, so a cell once safe stays safe and one pass does.
  CellNetwork network(g, min_people);
  for (bool primary : {true, false}) {
    for (size_t k = 0; k < network.size(); ++k) {
      const Cell& c = network.cell(k);
      if (c.suppressed && c.primary == primary && network.Pinned(k)) {
        changed = network.Unpin(k) || changed;
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
