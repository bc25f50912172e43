// SPDX-License-Identifier: EUPL-1.2
// Job following: a job starts only when the machine, the person, the
// reservation and the interlocks allow it; the supervisor follows its
// progress and its end (completed, cancelled, aborted, link lost) and
// records each change.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/mutex.h"
#include "machine_controller.h"
#include "services/config/interlock_names.h"

namespace werkbank::machines {
namespace {

using Il = v1::InterlockConfig;

}  // namespace

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
    Audit(actor.login, "job.start",
          absl::StrCat("job ", job.job_id,
                       job.confirmed_interlocks.empty()
                           ? ""
                           : "; confirmed: " +
                                 absl::StrJoin(job.confirmed_interlocks, ", "),
                       actor.Via()));
    Publish(v1::WebhookConfig::JOB_STARTED, job.job_id, {},
            {{"estimated_seconds",
              static_cast<int64_t>(job.estimated_seconds + 0.5)}});
    Transition(State::kRunning, actor.login,
               absl::StrCat("job ", job.job_id, " started"));
    return absl::OkStatus();
  });
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
        // A person's pause names them; the event says only that it was one.
        // The driver holds an open door by itself, without a Trip().
        if (!held_by_person_ && !tripped_ &&
            DoorOpen(link_.get()).value_or(false)) {
          Publish(
              v1::WebhookConfig::INTERLOCK_TRIPPED, job_->job_id,
              {{"interlock", "door"}, {"action", "hold"}, {"reason", reason}});
        }
        Publish(v1::WebhookConfig::JOB_HELD, job_->job_id,
                {{"cause", held_by_person_ ? "paused by a person" : reason}});
        held_by_person_ = false;
        tripped_ = false;
        paused_at_ = now;
        job_->state = "paused";
        job_->message = reason;
        RecordJob(store::JobState::kPaused, reason);
      }
      LowerHeatersWhilePaused(now);
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
  // A cancel's reason may name who cancelled; a failure's is the machine's.
  std::vector<std::pair<std::string, std::string>> text;
  events::Kind kind = v1::WebhookConfig::JOB_FAILED;
  switch (state) {
    case store::JobState::kCompleted:
      kind = v1::WebhookConfig::JOB_FINISHED;
      break;
    case store::JobState::kCancelled:
      kind = v1::WebhookConfig::JOB_CANCELLED;
      break;
    case store::JobState::kInterrupted:
      text = {{"state", "interrupted"}, {"reason", reason}};
      break;
    default:
      text = {{"state", "failed"}, {"reason", reason}};
  }
  Publish(kind, job_->job_id, std::move(text),
          {{"lines_done", job_->lines_done},
           {"run_seconds",
            static_cast<int64_t>(*last_job_end_->run_seconds + 0.5)}});
  job_.reset();
  heaters_lowered_ = false;
  end_warning_sent_ = false;
  door_escalated_ = false;
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

}  // namespace werkbank::machines
