// SPDX-License-Identifier: EUPL-1.2
#include "visible_state.h"

#include <cmath>

#include "machine_controller.h"

namespace werkbank::machines {

VisibleState VisibleOf(const MachineSnapshot& s) {
  VisibleState v;
  v.state = static_cast<int>(s.state);
  v.fault_reason = s.fault_reason;
  v.block_reason = s.block_reason;
  if (s.unlock) v.unlocked_by = s.unlock->login;
  if (s.job) {
    v.job_id = s.job->job_id;
    if (s.job->lines_total > 0) {
      v.progress_percent =
          static_cast<int>(100 * s.job->lines_done / s.job->lines_total);
    }
    v.job_state = s.job->state;
    v.job_message = s.job->message;
  }
  for (const auto& il : s.interlocks) {
    v.interlocks_satisfied.push_back(il.satisfied);
  }
  v.hotend = static_cast<int>(std::lround(s.hotend));
  v.hotend_target = static_cast<int>(std::lround(s.hotend_target));
  v.bed = static_cast<int>(std::lround(s.bed));
  v.bed_target = static_cast<int>(std::lround(s.bed_target));
  return v;
}

}  // namespace werkbank::machines
