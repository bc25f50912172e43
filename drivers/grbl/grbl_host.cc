// GRBL host protocol; see grbl_host.h.
#include "grbl_host.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace werkbank::grbl {

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

void GrblHost::StartJob(std::vector<std::string> lines, absl::Time now) {
  job_ = std::move(lines);
  next_job_ = 0;
  acked_ = 0;
  check_errors_.clear();
  reason_.clear();
  if (last_rx_ == absl::InfinitePast()) last_rx_ = now;
  outcome_ =
      job_.empty() ? stream::Outcome::kCompleted : stream::Outcome::kRunning;
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

void GrblHost::StartCheck(std::vector<std::string> lines, absl::Time now) {
  check_mode_ = true;
  Queue("$C");
  StartJob(std::move(lines), now);
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
      if (s->door_open() && outcome_ == stream::Outcome::kRunning) {
        urgent_ += Hold("the door is open", /*door=*/true);
      }
    }
    return;
  }
  if (absl::StartsWith(line, "Grbl ")) {
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
    phase_ = Phase::kSettings;
    if (own_.empty() || own_.front() != "$$") own_.push_front("$$");
    if (unlock_alarm_) QueueAlarmUnlock();  // a reset dropped a `$X` in flight
    return;
  }
  if (auto alarm = ParseAlarm(line)) {
    in_flight_.clear();
    in_flight_bytes_ = 0;
    End(stream::Outcome::kAborted,
        absl::StrCat("ALARM:", *alarm, " (", AlarmMeaning(*alarm),
                     "); staff must check the machine and unlock it"));
    return;
  }
  if (absl::StartsWith(line, "$32=")) {
    laser_mode_ = line == "$32=1";
    return;
  }
  const std::optional<int> error = ParseError(line);
  if (line == "ok" || error) {
    if (in_flight_.empty()) return;
    const Sent sent = in_flight_.front();
    in_flight_.pop_front();
    in_flight_bytes_ -= sent.bytes;
    if (sent.job_index < 0) {
      if (sent.alarm_unlock) unlock_alarm_ = false;  // answered, ok or not
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
        check_errors_.push_back({sent.job_index, *error, ErrorMeaning(*error)});
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
    if (outcome_ == stream::Outcome::kRunning && next_job_ == job_.size() &&
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
    in_flight_.push_back({cmd.size() + 1, -1, cmd == "$X"});
    in_flight_bytes_ += cmd.size() + 1;
    return cmd + "\n";
  }
  if (phase_ != Phase::kReady || outcome_ != stream::Outcome::kRunning ||
      check_leaving_) {
    return "";
  }
  if (next_job_ < job_.size()) {
    const std::string& line = job_[next_job_];
    const size_t bytes = line.size() + 1;
    if (in_flight_bytes_ + bytes > options_.rx_buffer_bytes) return "";
    if (in_flight_.empty()) last_rx_ = now;
    in_flight_.push_back({bytes, static_cast<int64_t>(next_job_)});
    in_flight_bytes_ += bytes;
    ++next_job_;
    return line + "\n";
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
  return std::string{kFeedHold, kSoftReset};
}

std::string GrblHost::SafeState() {
  // A soft reset turns the laser off and empties every buffer.
  return std::string(1, kSoftReset);
}

void GrblHost::LinkLost(const std::string& reason) {
  End(stream::Outcome::kFailed, absl::StrCat("serial link lost: ", reason));
}

}  // namespace werkbank::grbl
