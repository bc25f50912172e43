// SPDX-License-Identifier: EUPL-1.2
// Interlocks: door, thermal, reservation end and presence. Every trip goes
// through Trip(), which sends the configured action (hold, abort, estop)
// ahead of the job's queue and then audits it.
#include "absl/strings/str_cat.h"
#include "base/mutex.h"
#include "machine_controller.h"
#include "services/config/interlock_names.h"

namespace werkbank::machines {
namespace {

using Il = v1::InterlockConfig;

constexpr absl::Duration kHoldBeforeEnd = absl::Minutes(5);  // laser warning

}  // namespace

v1::InterlockConfig::Action MachineController::InterlockAction(
    v1::InterlockConfig::Kind kind) const {
  for (const auto& il : config_.interlocks()) {
    if (il.kind() == kind && il.action() != Il::ACTION_UNSPECIFIED) {
      return il.action();
    }
  }
  return kind == Il::EMERGENCY_STOP ? Il::ESTOP : Il::HOLD;
}

bool MachineController::HasInterlock(v1::InterlockConfig::Kind kind) const {
  for (const auto& il : config_.interlocks()) {
    if (il.kind() == kind) return true;
  }
  return false;
}

void MachineController::Trip(v1::InterlockConfig::Kind kind,
                             const std::string& reason) {
  if (!link_) return;
  const Il::Action action = InterlockAction(kind);
  // Invariant 2: the stop goes on the wire first; recording it waits for the
  // database, which the machine must not.
  switch (action) {
    case Il::ESTOP:
      link_->EmergencyStop(reason);
      break;
    case Il::ABORT:
      link_->WriteNow(
          [&](stream::HostProtocol& p) { return p.Cancel(reason); });
      break;
    default:
      link_->WriteNow([&](stream::HostProtocol& p) {
        return p.Hold(reason, kind == Il::DOOR);
      });
  }
  Audit("system", absl::StrCat("interlock.", config::InterlockName(kind)),
        absl::StrCat(reason, "; action: ", config::ActionName(action)));
  tripped_ = true;
  const int64_t job = job_ ? job_->job_id : 0;
  Publish(v1::WebhookConfig::INTERLOCK_TRIPPED, job,
          {{"interlock", config::InterlockName(kind)},
           {"action", config::ActionName(action)},
           {"reason", reason}});
  if (action == Il::ESTOP) {
    Publish(
        v1::WebhookConfig::MACHINE_EMERGENCY_STOP, job,
        {{"cause", absl::StrCat("interlock.", config::InterlockName(kind))}});
  }
}

// The driver holds a job the moment its door input opens (the least any
// configuration asks for); where the config says abort or estop, the
// controller goes on to that through the one trip path.
void MachineController::CheckDoor() {
  if (!job_ || door_escalated_ || !HasInterlock(Il::DOOR)) return;
  if (InterlockAction(Il::DOOR) == Il::HOLD) return;
  if (!DoorOpen(link_.get()).value_or(false)) return;
  door_escalated_ = true;
  Trip(Il::DOOR, "the door is open");
}

void MachineController::CheckThermal(absl::Time now) {
  stream::Temperatures t;
  bool active = false;
  if (link_ && HasInterlock(Il::THERMAL) && state_ == State::kRunning) {
    link_->WithProtocol([&](stream::HostProtocol& p, absl::Time) {
      active = p.capabilities().heaters;
      t = p.temperatures();
    });
  }
  if (auto trip = thermal_.Check(now, t, active)) Trip(Il::THERMAL, *trip);
}

void MachineController::CheckTimeInterlocks(absl::Time now) {
  const bool job_active =
      job_ && (state_ == State::kRunning || state_ == State::kPaused);
  if (unlock_) {
    if (!job_active && now >= unlock_->until) {
      Audit("system", "machine.lock", "the reservation ended");
      unlock_.reset();
      Transition(State::kLocked, "system", "the reservation ended");
    } else if (job_active && IsLaser()) {
      // A laser does not run past the reservation: warn, then hold.
      if (!end_warning_sent_ && now >= unlock_->until - kHoldBeforeEnd) {
        end_warning_sent_ = true;
        job_->message =
            absl::StrCat("the reservation ends in ",
                         absl::ToInt64Minutes(unlock_->until - now) + 1,
                         " min; the job will be held then");
        Audit("system", "job.warning", job_->message);
      }
      if (state_ == State::kRunning && now >= unlock_->until) {
        Trip(Il::RESERVATION, "the reservation has ended");
      }
    }
  }
  if (state_ == State::kRunning && HasInterlock(Il::PRESENCE)) {
    int interval = 120;
    for (const auto& il : config_.interlocks()) {
      if (il.kind() == Il::PRESENCE && il.presence_interval_seconds() > 0) {
        interval = il.presence_interval_seconds();
      }
    }
    if (now - last_presence_ > absl::Seconds(interval)) {
      last_presence_ = now;  // one trip per missed confirmation
      Trip(Il::PRESENCE,
           absl::StrCat("nobody confirmed presence for ", interval, " s"));
    }
  }
}

absl::Status MachineController::ConfirmPresence(const access::Actor& actor) {
  MutexLock lock(&mu_);
  if (!MayRunJobs(actor) && !actor.IsStaff()) {
    return absl::PermissionDeniedError(
        "only the machine's current user confirms presence");
  }
  last_presence_ = clock_.Now();
  return absl::OkStatus();
}

// The door as the machine last reported it: nullopt for a machine without a
// door input, or one that has not reported yet.
std::optional<bool> MachineController::DoorOpen(stream::Streamer* link) {
  std::optional<bool> open;
  if (link == nullptr) return open;
  link->WithProtocol(
      [&](stream::HostProtocol& p, absl::Time) { open = p.door_open(); });
  return open;
}

}  // namespace werkbank::machines
