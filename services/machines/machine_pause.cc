// SPDX-License-Identifier: EUPL-1.2
// A held job: paused by a person or an interlock, resumed only by a person.
// A printer paused too long lowers its heaters and heats up again to the
// job's own targets before it resumes.
#include "absl/strings/str_cat.h"
#include "base/mutex.h"
#include "machine_controller.h"

namespace werkbank::machines {

absl::Status MachineController::Pause(const access::Actor& actor,
                                      int64_t job_id) {
  return Decide([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    if (!job_ || job_->job_id != job_id || state_ != State::kRunning) {
      return absl::FailedPreconditionError(
          absl::StrCat("job ", job_id, " is not running"));
    }
    const std::string reason = absl::StrCat("paused by ", actor.login);
    link_->WriteNow(
        [&](stream::HostProtocol& p) { return p.Hold(reason, false); });
    Audit(actor.login, "job.pause", absl::StrCat("job ", job_id));
    held_by_person_ = true;
    // The driver held the job at once: the answer shows it paused.
    FollowJob(clock_.Now());
    return absl::OkStatus();
  });
}

absl::Status MachineController::Resume(const access::Actor& actor,
                                       int64_t job_id) {
  return Decide([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    if (!job_ || job_->job_id != job_id || state_ != State::kPaused) {
      return absl::FailedPreconditionError(
          absl::StrCat("job ", job_id, " is not paused"));
    }
    if (unlock_ && clock_.Now() >= unlock_->until) {
      return absl::FailedPreconditionError(
          "the reservation has ended; the job cannot resume");
    }
    if (IsLaser()) {
      // A held laser resumes at the machine, by the person responsible for
      // it there (the job's owner, or whoever unlocked it for a workshop),
      // from the session that unlocked it: resuming confirms presence.
      const bool responsible = actor.login == job_->owner_login ||
                               (unlock_ && unlock_->user_id == actor.user_id);
      if (!responsible) {
        return absl::PermissionDeniedError(absl::StrCat(
            "a held laser is resumed at the machine by ", job_->owner_login,
            unlock_ && unlock_->login != job_->owner_login
                ? absl::StrCat(" or ", unlock_->login)
                : std::string()));
      }
      if (unlock_ && !unlock_->token_hash.empty() &&
          actor.token_hash != unlock_->token_hash) {
        return absl::PermissionDeniedError(
            "a held laser is resumed at the machine, from the session that "
            "unlocked it");
      }
    }
    if (DoorOpen(link_.get()).value_or(false)) {
      return absl::FailedPreconditionError("the door is open; close it first");
    }
    if (records_.stalled()) {
      return absl::UnavailableError(
          "the database does not take records at the moment (locked or "
          "failing); the job resumes once it does; try again shortly");
    }
    const bool restore_heaters = heaters_lowered_;
    link_->WithProtocol([&](stream::HostProtocol& p, absl::Time) {
      // Heat up again to the job's own targets before the first move.
      if (restore_heaters) p.RestoreHeaters();
      p.Resume();
    });
    heaters_lowered_ = false;
    last_presence_ = clock_.Now();
    Audit(
        actor.login, "job.resume",
        absl::StrCat("job ", job_id, IsLaser() ? "; presence confirmed" : ""));
    Transition(State::kRunning, actor.login, "resumed by a person");
    job_->state = "running";
    job_->message.clear();
    RecordJob(store::JobState::kRunning, "");
    return absl::OkStatus();
  });
}

// A paused printer cools down after a while instead of cooking the print and
// the nozzle; Resume() heats it up again.
void MachineController::LowerHeatersWhilePaused(absl::Time now) {
  if (heaters_lowered_ ||
      now - paused_at_ < absl::Minutes(jobs_.paused_heaters_off_minutes())) {
    return;
  }
  bool lowered = false;
  link_->WithProtocol([&](stream::HostProtocol& p, absl::Time) {
    if (!p.capabilities().heaters) return;
    lowered = true;
    p.LowerHeaters();
  });
  if (!lowered) return;
  heaters_lowered_ = true;
  Audit("system", "job.heaters_off",
        absl::StrCat("job ", job_->job_id, " paused too long"));
}

}  // namespace werkbank::machines
