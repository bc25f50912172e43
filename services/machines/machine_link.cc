// SPDX-License-Identifier: EUPL-1.2
// Link supervision: connect with backoff, wait for the firmware's handshake
// (the safe state) before the machine is usable, treat a lost link or a
// firmware alarm as a fault, and run a GRBL dry run on the live link.
#include "absl/strings/str_cat.h"
#include "base/mutex.h"
#include "machine_controller.h"

namespace werkbank::machines {
namespace {

constexpr absl::Duration kMaxBackoff = absl::Seconds(30);

}  // namespace

void MachineController::TryConnect(absl::Time now) {
  if (link_ || now < next_connect_) return;
  auto link = connect_();
  if (!link.ok()) {
    next_connect_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    if (state_ == State::kLocked || state_ == State::kUnlocked) {
      Transition(State::kOffline, "system",
                 std::string(link.status().message()));
    }
    offline_reason_ = std::string(link.status().message());
    return;
  }
  link_ = std::shared_ptr<stream::Streamer>(std::move(*link));
  link_ready_ = false;
  if (unlock_alarm_on_connect_) {
    unlock_alarm_on_connect_ = false;
    link_->WithProtocol(
        [](stream::HostProtocol& p, absl::Time) { p.ClearAlarm(); });
    Audit("system", "machine.alarm_unlock",
          "the firmware's alarm lock is lifted after the acknowledged fault");
  }
  // Invariant 4: every session of a driver begins with the machine's safe
  // state, in order, before anything else goes out (the driver's own
  // handshake). The machine is usable once the firmware has answered it.
}

// The firmware answered the handshake (and so took the safe state): the
// machine becomes usable. A firmware that never answers leaves it offline.
void MachineController::FollowConnect(absl::Time now) {
  if (!link_ || link_ready_) return;
  bool ready = false;
  stream::Outcome outcome = stream::Outcome::kIdle;
  std::string reason, unreported;
  link_->WithProtocol([&](stream::HostProtocol& p, absl::Time) {
    ready = p.ready();
    outcome = p.outcome();
    reason = p.reason();
    unreported = p.motion_unreported();
  });
  if (outcome == stream::Outcome::kFailed) {
    link_.reset();
    next_connect_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    if (offline_reason_ != reason) {
      Audit("system", "machine.offline", reason);
      offline_reason_ = reason;
    }
    if (state_ == State::kLocked || state_ == State::kUnlocked) {
      Transition(State::kOffline, "system", reason);
    }
    return;
  }
  if (!ready) return;
  link_ready_ = true;
  backoff_ = absl::Seconds(1);
  offline_reason_.clear();
  Audit("system", "machine.safe_state",
        absl::StrCat("connected to ", config_.port(),
                     "; heaters and laser off, motors released"));
  // Once per connection: a firmware reset that re-reads the same nothing
  // says nothing new.
  if (!unreported.empty()) Audit("system", "machine.motion", unreported);
  if (state_ == State::kOffline) {
    Transition(block_reason_ ? State::kBlocked : State::kLocked, "system",
               absl::StrCat("connected to ", config_.port()));
  }
}

void MachineController::DropLink(const std::string& reason) {
  link_.reset();
  link_ready_ = false;
  next_connect_ = clock_.Now() + backoff_;
  // Invariant 5: a lost link is a fault; reconnecting does not clear it.
  if (state_ != State::kBlocked) Transition(State::kFault, "system", reason);
  fault_reason_ = reason;
  unlock_.reset();
}

// A firmware that locks itself (a GRBL alarm, also one it was already in
// when werkbank connected) decides what may happen: the machine is in
// fault until staff acknowledge it.
void MachineController::CheckFirmwareAlarm() {
  if (job_ || dry_running_ ||
      (state_ != State::kLocked && state_ != State::kUnlocked)) {
    return;
  }
  std::optional<std::string> alarm;
  link_->WithProtocol(
      [&](stream::HostProtocol& p, absl::Time) { alarm = p.firmware_alarm(); });
  if (!alarm) return;
  fault_reason_ = *alarm;
  unlock_.reset();
  Transition(State::kFault, "system", *alarm);
}

absl::StatusOr<std::vector<std::pair<int64_t, std::string>>>
MachineController::DryRun(const std::vector<std::string>& lines,
                          absl::Duration timeout) {
  // The link is shared: a staff acknowledgement may replace link_ while the
  // check runs, and this one must outlive it (it is only read through its
  // own lock).
  std::shared_ptr<stream::Streamer> link;
  {
    MutexLock lock(&mu_);
    if (!link_ || !link_ready_ ||
        (state_ != State::kLocked && state_ != State::kUnlocked) ||
        dry_running_) {
      return absl::FailedPreconditionError(
          absl::StrCat(config_.id(), " is not idle (", StateName(state_),
                       "); try the dry run later"));
    }
    absl::Status started;
    link_->WithProtocol([&](stream::HostProtocol& p, absl::Time now) {
      if (!p.capabilities().dry_run) {
        started = absl::FailedPreconditionError(absl::StrCat(
            config_.id(), " cannot check a program without running it"));
        return;
      }
      started = p.StartCheck(stream::VectorSource(lines), now);
    });
    if (!started.ok()) return started;
    dry_running_ = true;
    link = link_;
    Audit("system", "job.dry_run",
          absl::StrCat(lines.size(), " lines in check mode"));
  }
  const stream::Outcome outcome = link->Wait(timeout);
  std::vector<std::pair<int64_t, std::string>> errors;
  std::string reason;
  link->WithProtocol([&](stream::HostProtocol& p, absl::Time) {
    errors = p.check_errors();
    reason = p.reason();
  });
  MutexLock lock(&mu_);
  dry_running_ = false;
  if (outcome != stream::Outcome::kCompleted) {
    return absl::UnavailableError(absl::StrCat(
        "the dry run did not finish: ",
        reason.empty() ? std::string("no answer in time") : reason));
  }
  return errors;
}

}  // namespace werkbank::machines
