// SPDX-License-Identifier: EUPL-1.2
// Stops: the emergency stop (never refused to staff or the machine's
// user, answered once the stop is on the wire) and the daemon's own stop,
// which puts the machine into its safe state and waits (bounded) for it.
#include "absl/strings/str_cat.h"
#include "base/mutex.h"
#include "machine_controller.h"

namespace werkbank::machines {
namespace {

constexpr absl::Duration kSafeStateWait = absl::Seconds(3);

}  // namespace

absl::Status MachineController::EmergencyStop(const access::Actor& actor,
                                              const std::string& reason) {
  return Decide(
      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
        const bool user = unlock_ && unlock_->user_id == actor.user_id;
        const bool owner = job_ && job_->owner_login == actor.login;
        if (!actor.IsStaff() && !user && !owner) {
          return absl::PermissionDeniedError(
              "only staff or the machine's current user may stop it");
        }
        const std::string why =
            absl::StrCat("emergency stop by ", actor.login,
                         reason.empty() ? "" : ": " + reason);
        if (link_) link_->EmergencyStop(why);
        Audit(actor.login, "machine.emergency_stop", why);
        Publish(v1::WebhookConfig::MACHINE_EMERGENCY_STOP,
                job_ ? job_->job_id : 0, {{"cause", "a person"}});
        EndJob(store::JobState::kCancelled, why);
        fault_reason_ = why;
        unlock_.reset();
        Transition(State::kFault, actor.login, why);
        return absl::OkStatus();
      },
      RecordWait::kBrief);
}

void MachineController::SafeStop(const std::string& why) {
  std::shared_ptr<stream::Streamer> link;
  {
    MutexLock lock(&mu_);
    if (!link_) return;
    link = link_;
    link_->WriteNow([](stream::HostProtocol& p) { return p.SafeState(); });
    if (job_) {
      EndJob(store::JobState::kInterrupted, why);
    }
    unlock_.reset();
    Audit("system", "machine.safe_state", why);
  }
  // Outside the lock: the I/O thread sends what the driver queued.
  if (!link->WaitDrained(kSafeStateWait)) {
    MutexLock lock(&mu_);
    Audit("system", "machine.safe_state_unconfirmed",
          "the machine did not confirm its safe state in time");
  }
}

}  // namespace werkbank::machines
