// SPDX-License-Identifier: EUPL-1.2
// GRBL host protocol; see grbl_host.h.
#include "grbl_host.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace werkbank::grbl {
namespace {

// `$110=15000.000` and its kin from `$$`: the rates the time estimate uses.
// False for any other line.
bool ReadMotionSetting(absl::string_view line, stream::MotionSettings& m) {
  if (!absl::StartsWith(line, "$")) return false;
  const size_t eq = line.find('=');
  int number = 0;
  double value = 0;
  if (eq == absl::string_view::npos ||
      !absl::SimpleAtoi(line.substr(1, eq - 1), &number) ||
      !absl::SimpleAtod(line.substr(eq + 1), &value) || value <= 0) {
    return false;
  }
  if (number == 11) {
    m.junction_deviation_mm = value;
  } else if (number >= 110 && number <= 112) {
    m.max_rate_mm_min[static_cast<size_t>(number - 110)] = value;
  } else if (number >= 120 && number <= 122) {
    m.acceleration_mm_s2[static_cast<size_t>(number - 120)] = value;
  } else {
    return false;
  }
  return true;
}

}  // namespace

GrblHost::GrblHost(GrblOptions options) : options_(options) {}

void GrblHost::End(stream::Outcome outcome, std::string reason) {
  if (outcome_ == stream::Outcome::kFailed ||
      outcome_ == stream::Outcome::kAborted)
    return;
  outcome_ = outcome;
  reason_ = std::move(reason);
}

void GrblHost::Queue(std::string command) {
  own_.push_back(std::move(command));
}

void GrblHost::RequestAlarmUnlock() {
  unlock_alarm_ = true;
  QueueAlarmUnlock();
}

void GrblHost::QueueAlarmUnlock() {
  if (std::find(own_.begin(), own_.end(), "$X") == own_.end()) {
    own_.push_back("$X");
  }
}

void GrblHost::StartJob(std::unique_ptr<stream::LineSource> lines,
                        absl::Time now) {
  job_ = std::move(lines);
  total_ = job_->size();
  next_job_ = 0;
  has_next_line_ = false;
  acked_ = 0;
  check_errors_.clear();
  cancel_reset_pending_ = false;
  reason_.clear();
  if (last_rx_ == absl::InfinitePast()) last_rx_ = now;
  outcome_ =
      total_ == 0 ? stream::Outcome::kCompleted : stream::Outcome::kRunning;
  // A person starts this job: a hold left from before (a closed door, Door:0,
  // or a feed hold) is released so that the new job can run.
  if (status_ && !status_->door_open() &&
      (status_->state == "Hold" || status_->state == "Door")) {
    urgent_ += kCycleStart;
  }
  if (options_.require_laser_mode && phase_ == Phase::kReady &&
      laser_mode_ != true) {
    End(stream::Outcome::kFailed,
        "the laser is not in laser mode ($32=1); refusing to run");
  }
}

absl::Status GrblHost::StartCheck(std::unique_ptr<stream::LineSource> lines,
                                  absl::Time now) {
  // Other states than an alarm are answered by GRBL itself: it refuses `$C`
  // unless Idle (error:8), which ends the check.
  if (in_alarm_) {
    return absl::FailedPreconditionError(
        "the controller is in alarm; a dry run needs it idle (staff "
        "acknowledge the fault first)");
  }
  if (phase_ != Phase::kReady || outcome_ == stream::Outcome::kRunning ||
      outcome_ == stream::Outcome::kHeld) {
    return absl::FailedPreconditionError(
        "the controller is not idle; try the dry run in a moment");
  }
  check_mode_ = true;
  Queue("$C");
  StartJob(std::move(lines), now);
  return absl::OkStatus();
}

std::vector<stream::CheckError> GrblHost::check_errors() const {
  std::vector<stream::CheckError> out;
  for (const Check& c : check_errors_) {
    out.push_back({c.line_index, absl::StrCat("error:", c.code, " (",
                                              ErrorMeaning(c.code), ")")});
  }
  return out;
}

bool GrblHost::drained() const {
  return own_.empty() && in_flight_.empty() && urgent_.empty();
}

std::string GrblHost::firmware_state() const {
  if (!status_) return "connecting";
  return status_->state;
}

std::optional<std::string> GrblHost::firmware_alarm() const {
  if (!in_alarm_ || unlock_alarm_) return std::nullopt;
  if (last_alarm_) {
    return absl::StrCat("the controller is in alarm (ALARM:", *last_alarm_,
                        ", ", AlarmMeaning(*last_alarm_),
                        "); staff must check the machine and acknowledge");
  }
  return std::string(
      "the controller is in alarm (it was already when werkbank connected); "
      "staff must check the machine and acknowledge");
}

std::optional<bool> GrblHost::door_open() const {
  if (!status_) return std::nullopt;
  return status_->door_open();
}

std::array<double, 3> GrblHost::position() const {
  return status_ ? status_->mpos : std::array<double, 3>{0, 0, 0};
}

std::string GrblHost::Hold(const std::string& reason, bool door) {
  if (outcome_ != stream::Outcome::kRunning) return "";
  outcome_ = stream::Outcome::kHeld;
  reason_ = reason;
  // Feed hold stops motion (and, in laser mode, the beam); 0x84 also parks
  // GRBL in its door state so that `~` alone cannot restart it.
  std::string bytes(1, kFeedHold);
  if (door) bytes += kSafetyDoor;
  return bytes;
}

void GrblHost::Resume() {
  if (outcome_ != stream::Outcome::kHeld) return;
  if (status_ && status_->door_open()) return;  // not while the door is open
  urgent_ += kCycleStart;
  outcome_ = stream::Outcome::kRunning;
  reason_.clear();
}

void GrblHost::OnLine(absl::string_view line, absl::Time now) {
  last_rx_ = now;
  if (line.front() == '<') {
    status_pending_ = false;
    if (auto s = ParseStatus(line)) {
      status_ = *s;
      status_since_reset_ = true;
      in_alarm_ = s->state == "Alarm";
      if (s->door_open() && outcome_ == stream::Outcome::kRunning) {
        urgent_ += Hold("the door is open", /*door=*/true);
      }
    }
    return;
  }
  if (absl::StartsWith(line, "Grbl ")) {
    status_since_reset_ = false;  // what state it is in is asked anew
    // The banner: after our soft reset it starts the session; during a job
    // it means the controller reset and the job is gone.
    in_flight_.clear();
    in_flight_bytes_ = 0;
    if (check_leaving_) {
      check_leaving_ = false;
      check_mode_ = false;
      phase_ = Phase::kReady;
      if (outcome_ == stream::Outcome::kRunning)
        outcome_ = stream::Outcome::kCompleted;
      return;
    }
    if (phase_ == Phase::kReady && (outcome_ == stream::Outcome::kRunning ||
                                    outcome_ == stream::Outcome::kHeld)) {
      End(stream::Outcome::kAborted, "the controller reset during the job");
    }
    cancel_reset_pending_ = false;  // its ALARM:3, if any, came before
    phase_ = Phase::kSettings;
    if (own_.empty() || own_.front() != "$$") own_.push_front("$$");
    if (unlock_alarm_) QueueAlarmUnlock();  // a reset dropped a `$X` in flight
    return;
  }
  if (auto alarm = ParseAlarm(line)) {
    in_flight_.clear();
    in_flight_bytes_ = 0;
    in_alarm_ = true;
    last_alarm_ = *alarm;
    if (*alarm == 3 && cancel_reset_pending_) {
      // "Reset while in motion": the cancel's own reset did this. The person
      // who cancelled decided; the lock is lifted after the banner.
      unlock_alarm_ = true;
      return;
    }
    End(stream::Outcome::kAborted,
        absl::StrCat("ALARM:", *alarm, " (", AlarmMeaning(*alarm),
                     "); staff must check the machine and unlock it"));
    return;
  }
  if (absl::StartsWith(line, "$32=")) {
    laser_mode_ = line == "$32=1";
    return;
  }
  if (ReadMotionSetting(line, motion_)) return;
  const std::optional<int> error = ParseError(line);
  if (line == "ok" || error) {
    if (in_flight_.empty()) return;
    const Sent sent = in_flight_.front();
    in_flight_.pop_front();
    in_flight_bytes_ -= sent.bytes;
    if (sent.job_index < 0) {
      if (sent.alarm_unlock) {
        unlock_alarm_ = false;  // answered, ok or not
        if (!error) in_alarm_ = false;
      }
      if (sent.check_mode && error && !check_leaving_) {
        // GRBL refuses $C unless Idle (error:8): nothing of the check runs.
        check_mode_ = false;
        End(stream::Outcome::kCancelled,
            absl::StrCat("the controller refused check mode ($C): error:",
                         *error, " (", ErrorMeaning(*error), ")"));
      }
      if (phase_ == Phase::kSettings && in_flight_.empty() && own_.empty()) {
        phase_ = Phase::kReady;
        if (options_.require_laser_mode && laser_mode_ != true &&
            outcome_ == stream::Outcome::kRunning) {
          End(stream::Outcome::kFailed,
              "the laser is not in laser mode ($32=1); refusing to run");
        }
      }
      return;
    }
    if (error) {
      if (check_mode_) {
        check_errors_.push_back({sent.job_index, *error});
      } else {
        // A rejected line in a running job: stop the machine, a person decides.
        urgent_ += kFeedHold;
        urgent_ += kSoftReset;
        End(stream::Outcome::kFailed,
            absl::StrCat("line ", sent.job_index + 1, " was rejected: error:",
                         *error, " (", ErrorMeaning(*error), ")"));
        return;
      }
    }
    acked_ = sent.job_index + 1;
    if (outcome_ == stream::Outcome::kRunning && next_job_ == total_ &&
        in_flight_.empty()) {
      if (check_mode_) {
        check_leaving_ = true;
        Queue(
            "$C");  // leaving check mode soft-resets; the banner ends the check
      } else {
        outcome_ = stream::Outcome::kCompleted;
      }
    }
    return;
  }
  // [MSG:...], [GC:...] and the like need no action here.
}

std::string GrblHost::Poll(absl::Time now) {
  if (!urgent_.empty()) return std::exchange(urgent_, "");
  if (outcome_ == stream::Outcome::kFailed) return "";
  if (!reset_sent_) {
    reset_sent_ = true;
    last_rx_ = now;
    return std::string(1, kSoftReset);
  }
  const bool waiting = !in_flight_.empty() || status_pending_;
  if (waiting && now - last_rx_ >= options_.response_timeout) {
    End(stream::Outcome::kFailed, "the controller stopped answering");
    return "";
  }
  if (phase_ != Phase::kReset && now >= next_status_) {
    next_status_ = now + options_.status_interval;
    if (!waiting) last_rx_ = now;  // the answer is due from now on
    status_pending_ = true;
    return std::string(1, kStatusQuery);
  }
  if (phase_ == Phase::kReset) return "";
  // Host commands go one at a time (send-response), job lines by counting.
  if (!own_.empty()) {
    if (!in_flight_.empty()) return "";
    std::string cmd = own_.front();
    own_.pop_front();
    in_flight_.push_back({cmd.size() + 1, -1, cmd == "$X", cmd == "$C"});
    in_flight_bytes_ += cmd.size() + 1;
    return cmd + "\n";
  }
  if (phase_ != Phase::kReady || outcome_ != stream::Outcome::kRunning ||
      check_leaving_) {
    return "";
  }
  // Job lines wait for the host's own commands to be answered: a line sent
  // with a `$C` that GRBL refuses would run outside check mode.
  if (!in_flight_.empty() && in_flight_.back().job_index < 0) return "";
  if (!has_next_line_ && job_ && next_job_ < total_) {
    has_next_line_ = job_->Next(next_line_);
    if (!has_next_line_) {
      End(stream::Outcome::kFailed,
          absl::StrCat("the program could not be read: ",
                       job_->status().message()));
      urgent_ += kFeedHold;
      urgent_ += kSoftReset;
      return std::exchange(urgent_, "");
    }
  }
  if (has_next_line_) {
    const size_t bytes = next_line_.size() + 1;
    if (in_flight_bytes_ + bytes > options_.rx_buffer_bytes) return "";
    if (in_flight_.empty()) last_rx_ = now;
    in_flight_.push_back({bytes, next_job_});
    in_flight_bytes_ += bytes;
    ++next_job_;
    has_next_line_ = false;
    if (next_job_ == total_) job_.reset();
    return std::exchange(next_line_, "") + "\n";
  }
  return "";
}

absl::Time GrblHost::NextWake(absl::Time now) const {
  if (!urgent_.empty()) return now;
  absl::Time wake = next_status_;
  if (!in_flight_.empty() || status_pending_) {
    wake = std::min(wake, last_rx_ + options_.response_timeout);
  }
  return std::max(wake, now);
}

std::string GrblHost::EmergencyStop(const std::string& reason) {
  End(stream::Outcome::kAborted, absl::StrCat("emergency stop: ", reason));
  // Feed hold stops motion at once; the soft reset kills the laser and
  // empties GRBL's buffers.
  return std::string{kFeedHold, kSoftReset};
}

std::string GrblHost::Cancel(const std::string& reason) {
  End(stream::Outcome::kCancelled, reason);
  job_.reset();
  has_next_line_ = false;
  cancel_reset_pending_ = true;
  return std::string{kFeedHold, kSoftReset};
}

std::string GrblHost::SafeState() {
  // A soft reset turns the laser off and empties every buffer; a job in
  // progress ends with it (feed hold first, as for a cancel).
  if (outcome_ == stream::Outcome::kRunning ||
      outcome_ == stream::Outcome::kHeld) {
    return Cancel("the daemon is stopping");
  }
  return std::string(1, kSoftReset);
}

void GrblHost::LinkLost(const std::string& reason) {
  End(stream::Outcome::kFailed, absl::StrCat("serial link lost: ", reason));
}

}  // namespace werkbank::grbl
