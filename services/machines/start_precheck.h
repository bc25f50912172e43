// SPDX-License-Identifier: EUPL-1.2
// The refusals of a job start that need no file: the machine's state, whose
// unlock it is, and whether the job's estimate fits the time left of the
// reservation. JobService asks them before it reads a stored program, so a
// job that cannot run is refused at once whatever its size; the controller
// decides again under its lock when the job starts (the state may change in
// between), with the same messages.
#ifndef WERKBANK_SERVICES_MACHINES_START_PRECHECK_H_
#define WERKBANK_SERVICES_MACHINES_START_PRECHECK_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "machine_controller.h"
#include "services/access/actor.h"

namespace werkbank::machines {

// OK when `actor` may start a job of `estimated_seconds` on `machine` now,
// as far as the snapshot tells.
absl::Status PrecheckStart(const MachineSnapshot& machine,
                           const access::Actor& actor, double estimated_seconds,
                           absl::Time now);

}  // namespace werkbank::machines

#endif  // WERKBANK_SERVICES_MACHINES_START_PRECHECK_H_
