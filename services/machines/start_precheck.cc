// SPDX-License-Identifier: EUPL-1.2
// Cheap refusals of a job start; see start_precheck.h.
#include "start_precheck.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace werkbank::machines {

absl::Status PrecheckStart(const MachineSnapshot& machine,
                           const access::Actor& actor, double estimated_seconds,
                           absl::Time now) {
  switch (machine.state) {
    case State::kBlocked:
      return absl::FailedPreconditionError(absl::StrCat(
          machine.id, " is blocked for maintenance: ", machine.block_reason));
    case State::kFault:
      return absl::FailedPreconditionError(absl::StrCat(
          machine.id, " is in fault (", machine.fault_reason, "); ask staff"));
    case State::kOffline:
      return absl::UnavailableError(absl::StrCat(machine.id, " is offline"));
    case State::kRunning:
    case State::kPaused:
      return absl::FailedPreconditionError(
          absl::StrCat(machine.id, " is busy with job ",
                       machine.job ? machine.job->job_id : 0));
    case State::kLocked:
      return absl::FailedPreconditionError(absl::StrCat(
          machine.id, " is locked; unlock it first with `werkbank unlock ",
          machine.id, "`"));
    case State::kUnlocked:
      break;
  }
  if (!machine.unlock) {
    return absl::FailedPreconditionError(
        absl::StrCat(machine.id, " is locked"));
  }
  const UnlockGrant& unlock = *machine.unlock;
  const bool may =
      unlock.user_id == actor.user_id ||
      (unlock.workshop &&
       std::find(unlock.participant_ids.begin(), unlock.participant_ids.end(),
                 actor.user_id) != unlock.participant_ids.end());
  if (!may) {
    return absl::PermissionDeniedError(absl::StrCat(
        machine.id, " is unlocked for ", unlock.login, ", not for you"));
  }
  if (now >= unlock.until) {
    return absl::FailedPreconditionError("your reservation has ended");
  }
  const absl::Duration needed = absl::Seconds(estimated_seconds);
  if (now + needed > unlock.until) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the job needs about ", absl::ToInt64Minutes(needed) + 1,
        " min, but only ", absl::ToInt64Minutes(unlock.until - now),
        " min of your reservation remain"));
  }
  return absl::OkStatus();
}

}  // namespace werkbank::machines
