// SPDX-License-Identifier: EUPL-1.2
// One machine's supervisor: it builds the controller, runs its thread
// (one tick every 50 ms: link, job, interlocks), queues what it records and
// answers what is asked about the machine (snapshot, motion). Each concern
// lives in its own file; see machine_controller.h and docs/design.md.
#include "machine_controller.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/mutex.h"
#include "services/audit/audit_log.h"
#include "services/config/interlock_names.h"

namespace werkbank::machines {
namespace {

using Il = v1::InterlockConfig;

constexpr absl::Duration kTick = absl::Milliseconds(50);

}  // namespace

MachineController::MachineController(const v1::MachineConfig& config,
                                     const v1::JobsConfig& jobs,
                                     Connector connect,
                                     store::WriteQueue& records,
                                     const Clock& clock, JobRecorder record_job)
    : config_(config),
      jobs_(jobs),
      connect_(std::move(connect)),
      records_(records),
      clock_(clock),
      record_job_(std::move(record_job)) {}

MachineController::~MachineController() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  MutexLock lock(&mu_);
  link_.reset();
}

void MachineController::Start(std::optional<std::string> blocked) {
  {
    MutexLock lock(&mu_);
    since_ = clock_.Now();
    block_reason_ = blocked;
    TryConnect(clock_.Now());
  }
  thread_ = std::thread([this] { Loop(); });
}

void MachineController::Loop() {
  while (!stop_) {
    {
      MutexLock lock(&mu_);
      Tick(clock_.Now());
    }
    SignalIfVisiblyChanged();
    absl::SleepFor(kTick);
  }
}

void MachineController::Tick(absl::Time now) {
  TryConnect(now);
  FollowConnect(now);
  if (!link_ready_) return;
  if (link_ && !job_ && !dry_running_ &&
      link_->outcome() == stream::Outcome::kFailed) {
    DropLink(link_->reason());
    return;
  }
  CheckFirmwareAlarm();
  FollowJob(now);
  CheckDoor();
  CheckTimeInterlocks(now);
  CheckThermal(now);
}

void MachineController::Audit(const std::string& actor,
                              const std::string& action,
                              const std::string& detail) {
  audit::Entry event{actor, action, absl::StrCat("machine/", config_.id()),
                     detail};
  const absl::Time now = clock_.Now();
  last_record_ =
      records_.Enqueue(absl::StrCat(action, " on ", config_.id()),
                       [event = std::move(event), now](store::Transaction& tx) {
                         return audit::Append(tx, event, now).status();
                       });
}

void MachineController::RecordJob(store::JobState state,
                                  const std::string& reason, bool started) {
  if (!job_ || !record_job_) return;
  last_record_ =
      records_.Enqueue(absl::StrCat("job ", job_->job_id, " progress"),
                       record_job_({job_->job_id, state, reason,
                                    job_->lines_done, started, clock_.Now()}));
}

void MachineController::Publish(
    events::Kind kind, int64_t job,
    std::vector<std::pair<std::string, std::string>> text,
    std::vector<std::pair<std::string, int64_t>> numbers) {
  if (events_ == nullptr) return;
  events_->Publish(events::Event{kind, clock_.Now(), config_.id(), job,
                                 std::move(text), std::move(numbers)});
}

void MachineController::SignalIfVisiblyChanged() {
  if (!changes_) return;
  VisibleState now = VisibleOf(Snapshot());
  if (now == last_visible_) return;
  last_visible_ = std::move(now);
  changes_->Notify();
}

stream::MotionSettings MachineController::ReportedMotion() {
  MutexLock lock(&mu_);
  stream::MotionSettings m;
  if (link_) {
    link_->WithProtocol(
        [&](stream::HostProtocol& p, absl::Time) { m = p.motion_settings(); });
  }
  return m;
}

MachineSnapshot MachineController::Snapshot() {
  MutexLock lock(&mu_);
  MachineSnapshot s;
  s.id = config_.id();
  s.name = config_.name();
  s.machine_class = config_.machine_class();
  s.protocol = config_.protocol();
  s.state = state_;
  s.fault_reason = state_ == State::kFault     ? fault_reason_
                   : state_ == State::kOffline ? offline_reason_
                                               : "";
  s.block_reason = block_reason_.value_or("");
  s.unlock = unlock_;
  s.job = job_;
  s.last_job_end = last_job_end_;
  s.since = since_;
  const absl::Time now = clock_.Now();
  bool door_open = false;
  if (link_) {
    link_->WithProtocol([&](stream::HostProtocol& p, absl::Time) {
      door_open = p.door_open().value_or(false);
      s.position = p.position();
      s.firmware_state = p.firmware_state();
      const stream::Temperatures t = p.temperatures();
      s.hotend = t.hotend;
      s.hotend_target = t.hotend_target;
      s.bed = t.bed;
      s.bed_target = t.bed_target;
    });
  }
  for (const auto& il : config_.interlocks()) {
    InterlockView v{config::InterlockName(il.kind()), true, ""};
    if (il.kind() == Il::DOOR) {
      v.satisfied = !door_open;
      v.detail = door_open ? "open" : "closed";
    } else if (il.kind() == Il::PRESENCE && state_ == State::kRunning) {
      const int interval = il.presence_interval_seconds() > 0
                               ? il.presence_interval_seconds()
                               : 120;
      const int64_t left =
          absl::ToInt64Seconds(last_presence_ + absl::Seconds(interval) - now);
      v.satisfied = left > 0;
      v.detail =
          absl::StrCat("confirm within ", std::max<int64_t>(0, left), " s");
    } else if (il.source() == "user") {
      v.detail = "confirmed by the user at job start";
    }
    s.interlocks.push_back(v);
  }
  if (unlock_) {
    s.interlocks.push_back(
        {"reservation", now < unlock_->until,
         absl::StrCat(absl::ToInt64Minutes(unlock_->until - now),
                      " min left")});
  }
  return s;
}

bool MachineController::IsLaser() const {
  if (!config_.kind().empty()) return config_.kind() == "laser";
  return config_.protocol() == "grbl";
}

bool MachineController::DoorInput() const {
  bool door = false;
  if (link_) {
    link_->WithProtocol([&](stream::HostProtocol& p, absl::Time) {
      door = p.capabilities().door_input;
    });
  }
  return door;
}

}  // namespace werkbank::machines
