// SPDX-License-Identifier: EUPL-1.2
// A person's requests about the machine itself: unlock, lock, block,
// unblock, acknowledge a fault, and what locks it when the grant behind an
// unlock is gone (withdrawn, session ended).
#include "absl/strings/str_cat.h"
#include "base/mutex.h"
#include "machine_controller.h"

namespace werkbank::machines {
namespace {

using Il = v1::InterlockConfig;

}  // namespace

bool MachineController::MayRunJobs(const access::Actor& actor) const {
  if (!unlock_) return false;
  if (unlock_->user_id == actor.user_id) return true;
  return unlock_->workshop &&
         std::find(unlock_->participant_ids.begin(),
                   unlock_->participant_ids.end(),
                   actor.user_id) != unlock_->participant_ids.end();
}

absl::Status MachineController::Unlock(const access::Actor& actor,
                                       const UnlockGrant& grant) {
  return Decide([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    switch (state_) {
      case State::kBlocked:
        return absl::FailedPreconditionError(absl::StrCat(
            config_.id(),
            " is blocked for maintenance: ", block_reason_.value_or("")));
      case State::kFault:
        return absl::FailedPreconditionError(
            absl::StrCat(config_.id(), " is in fault (", fault_reason_,
                         "); staff must look at it first"));
      case State::kOffline:
        return absl::UnavailableError(
            absl::StrCat(config_.id(), " is offline (", config_.port(),
                         " cannot be opened)"));
      case State::kRunning:
      case State::kPaused:
        return absl::FailedPreconditionError(
            absl::StrCat(config_.id(), " is running a job of ",
                         job_ ? job_->owner_login : "someone"));
      case State::kUnlocked:
        if (unlock_ && unlock_->user_id != actor.user_id) {
          return absl::FailedPreconditionError(
              absl::StrCat(config_.id(), " is unlocked for ", unlock_->login));
        }
        break;
      case State::kLocked:
        break;
    }
    unlock_ = grant;
    Audit(actor.login, "machine.unlock",
          absl::StrCat(grant.reservation_id
                           ? absl::StrCat("reservation ", grant.reservation_id)
                           : "staff unlock",
                       grant.workshop ? " (workshop)" : "", " until ",
                       absl::FormatTime("%Y-%m-%d %H:%M UTC", grant.until,
                                        absl::UTCTimeZone())));
    Transition(State::kUnlocked, actor.login, "unlocked");
    return absl::OkStatus();
  });
}

absl::Status MachineController::Lock(const access::Actor& actor,
                                     const std::string& why) {
  return Decide([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    if (state_ == State::kRunning || state_ == State::kPaused) {
      return absl::FailedPreconditionError(absl::StrCat(
          config_.id(), " is running job ", job_->job_id, "; cancel it first"));
    }
    if (state_ != State::kUnlocked) {
      return absl::FailedPreconditionError(
          absl::StrCat(config_.id(), " is not unlocked"));
    }
    if (unlock_ && unlock_->user_id != actor.user_id && !actor.IsStaff()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "only ", unlock_->login, " or staff may lock ", config_.id()));
    }
    unlock_.reset();
    Audit(actor.login, "machine.lock", why);
    Transition(State::kLocked, actor.login, why);
    return absl::OkStatus();
  });
}

void MachineController::UserSessionsEnded(int64_t user_id) {
  {
    // A workshop participant whose account ended runs nothing more.
    MutexLock lock(&mu_);
    if (unlock_) std::erase(unlock_->participant_ids, user_id);
  }
  Withdraw([&](const UnlockGrant& g) { return g.user_id == user_id; },
           "every session of the unlocking person ended");
}

void MachineController::SessionEnded(const std::string& token_hash) {
  if (token_hash.empty()) return;
  Withdraw([&](const UnlockGrant& g) { return g.token_hash == token_hash; },
           "the unlocking person logged out");
}

absl::Status MachineController::Block(const access::Actor& actor,
                                      const std::string& reason) {
  return Decide([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    if (state_ == State::kRunning || state_ == State::kPaused) {
      return absl::FailedPreconditionError(absl::StrCat(
          config_.id(), " is running a job; stop or cancel it first"));
    }
    last_record_ = records_.Enqueue(
        absl::StrCat("block of ", config_.id()),
        [block = store::MachineBlockRecord{config_.id(), reason, actor.user_id,
                                           clock_.Now()}](
            store::Transaction& tx) { return tx.PutMachineBlock(block); });
    block_reason_ = reason;
    unlock_.reset();
    Transition(State::kBlocked, actor.login,
               absl::StrCat("maintenance: ", reason));
    return absl::OkStatus();
  });
}

absl::Status MachineController::Unblock(const access::Actor& actor) {
  return Decide([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    if (state_ != State::kBlocked) {
      return absl::FailedPreconditionError(
          absl::StrCat(config_.id(), " is not blocked"));
    }
    last_record_ =
        records_.Enqueue(absl::StrCat("unblock of ", config_.id()),
                         [id = config_.id()](store::Transaction& tx) {
                           return tx.DeleteMachineBlock(id);
                         });
    block_reason_.reset();
    Transition(link_ ? State::kLocked : State::kOffline, actor.login,
               "maintenance finished");
    return absl::OkStatus();
  });
}

absl::Status MachineController::AcknowledgeFault(const access::Actor& actor,
                                                 const std::string& note) {
  return Decide([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    if (state_ != State::kFault) {
      return absl::FailedPreconditionError(
          absl::StrCat(config_.id(), " is not in fault"));
    }
    Audit(actor.login, "machine.fault_acknowledged",
          absl::StrCat(fault_reason_, note.empty() ? "" : "; note: " + note));
    fault_reason_.clear();
    // A machine that had halted (M112, alarm) starts a fresh session; a GRBL
    // controller also keeps its alarm lock through a reset, and a person has
    // just decided to lift it ($X).
    link_.reset();
    link_ready_ = false;
    next_connect_ = absl::InfinitePast();
    unlock_alarm_on_connect_ = true;
    Transition(State::kOffline, actor.login, "fault acknowledged");
    TryConnect(clock_.Now());
    return absl::OkStatus();
  });
}

void MachineController::Withdraw(
    const std::function<bool(const UnlockGrant&)>& rests_on,
    const std::string& why) {
  // Staff who withdrew it get their answer once the lock is recorded.
  (void)Decide([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    if (!unlock_ || !rests_on(*unlock_)) return absl::OkStatus();
    if (job_ && (state_ == State::kRunning || state_ == State::kPaused)) {
      // A print may finish, as at the reservation's end; a laser is held and
      // only a new unlock lets anyone resume it. Either way nothing new
      // starts.
      unlock_->until = std::min(unlock_->until, clock_.Now());
      if (IsLaser() && state_ == State::kRunning) {
        Trip(Il::RESERVATION, why);
        FollowJob(clock_.Now());  // held now, not at the next tick
      }
      Audit("system", "machine.lock_pending", why);
      return absl::OkStatus();
    }
    unlock_.reset();
    Audit("system", "machine.lock", why);
    Transition(State::kLocked, "system", why);
    return absl::OkStatus();
  });
}

}  // namespace werkbank::machines
