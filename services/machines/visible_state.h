// SPDX-License-Identifier: EUPL-1.2
// The part of a machine's snapshot that the staff dashboard shows, coarsely:
// state, job and its progress step, interlocks, fault, temperatures to the
// degree. When it differs from the last one, watchers are woken; smaller
// changes (a tenth of a degree, one more line) wait for the next keep-alive.
#ifndef WERKBANK_SERVICES_MACHINES_VISIBLE_STATE_H_
#define WERKBANK_SERVICES_MACHINES_VISIBLE_STATE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace werkbank::machines {

struct MachineSnapshot;

struct VisibleState {
  int state = -1;
  std::string fault_reason, block_reason, unlocked_by;
  int64_t job_id = 0;
  int progress_percent = 0;
  std::string job_state, job_message;
  std::vector<bool> interlocks_satisfied;
  int hotend = 0, hotend_target = 0, bed = 0, bed_target = 0;

  bool operator==(const VisibleState&) const = default;
};

VisibleState VisibleOf(const MachineSnapshot& s);

}  // namespace werkbank::machines

#endif  // WERKBANK_SERVICES_MACHINES_VISIBLE_STATE_H_
