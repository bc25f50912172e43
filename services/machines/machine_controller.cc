// SPDX-License-Identifier: EUPL-1.2
// One machine's supervisor and state machine; see machine_controller.h.
#include "machine_controller.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/mutex.h"
#include "services/audit/audit_log.h"
#include "services/config/interlock_names.h"

namespace werkbank::machines {
namespace {

using Il = v1::InterlockConfig;

constexpr absl::Duration kTick = absl::Milliseconds(50);
constexpr absl::Duration kMaxBackoff = absl::Seconds(30);
constexpr absl::Duration kHoldBeforeEnd = absl::Minutes(5);  // laser warning

// The door as the machine last reported it: nullopt for a machine without a
// door input, or one that has not reported yet.
std::optional<bool> DoorOpen(stream::Streamer* link) {
  std::optional<bool> open;
  if (link == nullptr) return open;
  link->WithProtocol(
      [&](stream::HostProtocol& p, absl::Time) { open = p.door_open(); });
  return open;
}

// How long a stopping daemon waits for a machine to take its safe state.
constexpr absl::Duration kSafeStateWait = absl::Seconds(3);

}  // namespace

const char* StateName(State s) {
  switch (s) {
    case State::kOffline:
      return "offline";
    case State::kLocked:
      return "locked";
    case State::kUnlocked:
      return "unlocked";
    case State::kRunning:
      return "running";
    case State::kPaused:
      return "paused";
    case State::kFault:
      return "fault";
    case State::kBlocked:
      return "blocked";
  }
  return "?";
}

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

absl::Status MachineController::Decide(
    const std::function<absl::Status()>& decide, RecordWait wait) {
  // Long enough for SQLite's busy timeout and a retry; the record stays
  // queued either way.
  constexpr absl::Duration kRecordWait = absl::Seconds(12);
  absl::Status decided;
  store::WriteQueue::Ticket ticket = 0;
  {
    MutexLock lock(&mu_);
    const store::WriteQueue::Ticket before = last_record_;
    decided = decide();
    if (last_record_ != before) ticket = last_record_;
  }
  if (changes_) changes_->Notify();  // a block reason, an unlock, a job
  if (ticket == 0) return decided;
  if (wait == RecordWait::kBrief) {
    // What was asked for is done (a stop is on the wire). Give the record a
    // moment so that what the caller reads next shows it, but never make
    // them wait for a busy database: it stays queued until written.
    (void)records_.WaitDurable(ticket, absl::Seconds(2));
    return decided;
  }
  const absl::Status recorded = records_.WaitDurable(ticket, kRecordWait);
  if (decided.ok() && !recorded.ok()) {
    return absl::Status(
        recorded.code(),
        absl::StrCat(config_.id(),
                     ": done, but not yet recorded: ", recorded.message()));
  }
  return decided;
}

void MachineController::Transition(State to, const std::string& actor,
                                   const std::string& why) {
  if (to == state_) return;
  if (state_ == State::kPaused && job_) job_->held += clock_.Now() - since_;
  Audit(actor, "machine.state",
        absl::StrCat(StateName(state_), " -> ", StateName(to), ": ", why));
  state_ = to;
  since_ = clock_.Now();
  if (changes_) changes_->Notify();
}

void MachineController::SignalIfVisiblyChanged() {
  if (!changes_) return;
  VisibleState now = VisibleOf(Snapshot());
  if (now == last_visible_) return;
  last_visible_ = std::move(now);
  changes_->Notify();
}

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
  std::string reason;
  link_->WithProtocol([&](stream::HostProtocol& p, absl::Time) {
    ready = p.ready();
    outcome = p.outcome();
    reason = p.reason();
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

void MachineController::EndJob(store::JobState state,
                               const std::string& reason) {
  if (!job_) return;
  const absl::Time now = clock_.Now();
  const absl::Duration held =
      job_->held +
      (state_ == State::kPaused ? now - since_ : absl::ZeroDuration());
  last_job_end_ =
      JobUpdate{job_->job_id, state, reason, job_->lines_done, false, now};
  last_job_end_->run_seconds = absl::ToDoubleSeconds(
      std::max(absl::ZeroDuration(), now - job_->started - held));
  if (record_job_) {
    last_record_ =
        records_.Enqueue(absl::StrCat("job ", job_->job_id, " progress"),
                         record_job_(*last_job_end_));
  }
  job_.reset();
  heaters_lowered_ = false;
  end_warning_sent_ = false;
  door_escalated_ = false;
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

void MachineController::FollowJob(absl::Time now) {
  if (!job_ || !link_) return;
  const stream::Outcome outcome = link_->outcome();
  const std::string reason = link_->reason();
  job_->lines_done = link_->lines_acknowledged();
  switch (outcome) {
    case stream::Outcome::kIdle:
    case stream::Outcome::kRunning:
      if (state_ == State::kPaused)
        Transition(State::kRunning, "system", "resumed");
      job_->state = "running";
      if (now - last_progress_save_ > absl::Seconds(5)) {
        last_progress_save_ = now;
        RecordJob(store::JobState::kRunning, "");
      }
      return;
    case stream::Outcome::kHeld:
      if (state_ != State::kPaused) {
        Transition(State::kPaused, "system", reason);
        Audit("system", "job.hold",
              absl::StrCat("job ", job_->job_id, ": ", reason));
        paused_at_ = now;
        job_->state = "paused";
        job_->message = reason;
        RecordJob(store::JobState::kPaused, reason);
      }
      // A paused printer cools down after a while instead of cooking the
      // print and the nozzle.
      if (!heaters_lowered_ &&
          now - paused_at_ >=
              absl::Minutes(jobs_.paused_heaters_off_minutes())) {
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
      return;
    case stream::Outcome::kCompleted:
      EndJob(store::JobState::kCompleted, "finished");
      Transition(
          unlock_ && now < unlock_->until ? State::kUnlocked : State::kLocked,
          "system", "the job finished");
      if (state_ == State::kLocked) unlock_.reset();
      return;
    case stream::Outcome::kCancelled:
      EndJob(store::JobState::kCancelled, reason);
      Transition(
          unlock_ && now < unlock_->until ? State::kUnlocked : State::kLocked,
          "system", absl::StrCat("the job was cancelled: ", reason));
      if (state_ == State::kLocked) unlock_.reset();
      return;
    case stream::Outcome::kAborted:
      EndJob(store::JobState::kFailed, reason);
      fault_reason_ = reason;
      unlock_.reset();
      Transition(State::kFault, "system", reason);
      return;
    case stream::Outcome::kFailed:
      EndJob(store::JobState::kFailed, reason);
      DropLink(reason);
      return;
  }
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

bool MachineController::MayRunJobs(const access::Actor& actor) const {
  if (!unlock_) return false;
  if (unlock_->user_id == actor.user_id) return true;
  return unlock_->workshop &&
         std::find(unlock_->participant_ids.begin(),
                   unlock_->participant_ids.end(),
                   actor.user_id) != unlock_->participant_ids.end();
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

absl::Status MachineController::StartJob(const access::Actor& actor,
                                         JobStart job) {
  return Decide([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    const absl::Time now = clock_.Now();
    switch (state_) {
      case State::kBlocked:
        return absl::FailedPreconditionError(absl::StrCat(
            config_.id(),
            " is blocked for maintenance: ", block_reason_.value_or("")));
      case State::kFault:
        return absl::FailedPreconditionError(absl::StrCat(
            config_.id(), " is in fault (", fault_reason_, "); ask staff"));
      case State::kOffline:
        return absl::UnavailableError(
            absl::StrCat(config_.id(), " is offline"));
      case State::kRunning:
      case State::kPaused:
        return absl::FailedPreconditionError(absl::StrCat(
            config_.id(), " is busy with job ", job_ ? job_->job_id : 0));
      case State::kLocked:
        return absl::FailedPreconditionError(absl::StrCat(
            config_.id(), " is locked; unlock it first with `werkbank unlock ",
            config_.id(), "`"));
      case State::kUnlocked:
        break;
    }
    if (!link_ || !link_ready_)
      return absl::UnavailableError(absl::StrCat(config_.id(), " is offline"));
    // Nothing starts that could not be recorded (invariant 6).
    if (records_.stalled()) {
      return absl::UnavailableError(
          "the database does not take records at the moment (locked or "
          "failing); no job starts until it does; try again shortly");
    }
    if (dry_running_) {
      return absl::UnavailableError(
          "a dry run is in progress; try again shortly");
    }
    if (!MayRunJobs(actor)) {
      return absl::PermissionDeniedError(absl::StrCat(
          config_.id(), " is unlocked for ", unlock_->login, ", not for you"));
    }
    if (now >= unlock_->until) {
      return absl::FailedPreconditionError("your reservation has ended");
    }
    const absl::Duration needed = absl::Seconds(job.estimated_seconds);
    if (now + needed > unlock_->until) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the job needs about ", absl::ToInt64Minutes(needed) + 1,
          " min, but only ", absl::ToInt64Minutes(unlock_->until - now),
          " min of your reservation remain"));
    }
    // Interlocks that must hold before the first byte.
    const std::optional<bool> door_open = DoorOpen(link_.get());
    for (const auto& il : config_.interlocks()) {
      if (il.kind() == Il::DOOR && il.source() == "sensor") {
        if (!door_open.has_value() && DoorInput()) {
          return absl::UnavailableError(
              "the door state is not known yet; try again in a moment");
        }
        if (door_open.value_or(false)) {
          return absl::FailedPreconditionError(
              "the door is open; close it before starting");
        }
      }
      const std::string name = config::InterlockName(il.kind());
      if (il.source() == "user" &&
          std::find(job.confirmed_interlocks.begin(),
                    job.confirmed_interlocks.end(),
                    name) == job.confirmed_interlocks.end()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "confirm that the ", name, " is on: add --confirm ", name));
      }
    }
    std::vector<std::string> script(config_.scripts().start().begin(),
                                    config_.scripts().start().end());
    auto lines = stream::ConcatSource(stream::VectorSource(std::move(script)),
                                      std::move(job.lines));
    const int64_t total = lines->size();
    link_->StartJob(std::move(lines));
    job_ = JobProgress{job.job_id, job.owner_login,       0,         total,
                       now,        job.estimated_seconds, "running", ""};
    last_presence_ = now;
    last_progress_save_ = now;
    RecordJob(store::JobState::kRunning, "", /*started=*/true);
    Audit(
        actor.login, "job.start",
        absl::StrCat("job ", job.job_id,
                     job.confirmed_interlocks.empty()
                         ? ""
                         : "; confirmed: " +
                               absl::StrJoin(job.confirmed_interlocks, ", ")));
    Transition(State::kRunning, actor.login,
               absl::StrCat("job ", job.job_id, " started"));
    return absl::OkStatus();
  });
}

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

absl::Status MachineController::Cancel(const access::Actor& actor,
                                       int64_t job_id,
                                       const std::string& reason) {
  return Decide([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
    if (!job_ || job_->job_id != job_id) {
      return absl::FailedPreconditionError(
          absl::StrCat("job ", job_id, " is not running"));
    }
    const std::string why =
        reason.empty() ? absl::StrCat("cancelled by ", actor.login) : reason;
    // The driver sends the machine's own cancel script (e.g. park the head).
    link_->WriteNow([&](stream::HostProtocol& p) { return p.Cancel(why); });
    Audit(actor.login, "job.cancel", absl::StrCat("job ", job_id, ": ", why));
    // No line of the job goes out again: the answer shows it cancelled.
    FollowJob(clock_.Now());
    return absl::OkStatus();
  });
}

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
        EndJob(store::JobState::kCancelled, why);
        fault_reason_ = why;
        unlock_.reset();
        Transition(State::kFault, actor.login, why);
        return absl::OkStatus();
      },
      RecordWait::kBrief);
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

absl::Status MachineController::ConfirmPresence(const access::Actor& actor) {
  MutexLock lock(&mu_);
  if (!MayRunJobs(actor) && !actor.IsStaff()) {
    return absl::PermissionDeniedError(
        "only the machine's current user confirms presence");
  }
  last_presence_ = clock_.Now();
  return absl::OkStatus();
}

}  // namespace werkbank::machines

namespace werkbank::machines {

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
