// SPDX-License-Identifier: EUPL-1.2
// The GRBL 1.1 host protocol: character counting against the controller's
// receive buffer, ok/error attributed to the line that caused it, `?` status
// polling at most 5 times a second, real-time bytes ahead of every line, the
// door pin, ALARM:N, the start banner, laser mode from `$$`, and `$C` check
// mode for a dry run.
//
// Nothing resumes by itself: an open door holds the job (`!` and 0x84 on the
// wire before any further line) until Resume() is called.
#ifndef WERKBANK_DRIVERS_GRBL_GRBL_HOST_H_
#define WERKBANK_DRIVERS_GRBL_GRBL_HOST_H_

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "drivers/stream/host_protocol.h"
#include "grbl_status.h"

namespace werkbank::grbl {

// Real-time bytes of GRBL 1.1.
inline constexpr char kStatusQuery = '?';
inline constexpr char kFeedHold = '!';
inline constexpr char kCycleStart = '~';
inline constexpr char kSoftReset = 0x18;
inline constexpr char kSafetyDoor = static_cast<char>(0x84);
inline constexpr char kJogCancel = static_cast<char>(0x85);

struct GrblOptions {
  size_t rx_buffer_bytes = 128;
  absl::Duration status_interval = absl::Milliseconds(200);  // <= 5 Hz
  absl::Duration response_timeout = absl::Seconds(5);
  bool require_laser_mode = false;  // refuse jobs unless $32=1
};

class GrblHost : public stream::HostProtocol {
 public:
  explicit GrblHost(GrblOptions options = {});

  stream::Capabilities capabilities() const override {
    return {.door_input = true, .dry_run = true};
  }
  using HostProtocol::StartJob;
  void StartJob(std::unique_ptr<stream::LineSource> lines,
                absl::Time now) override;
  // Streams `lines` in `$C` check mode: nothing moves and the laser stays
  // off; the job completes with every error listed in check_errors(). Only
  // while the controller is Idle; a refused `$C` ends the check at once.
  absl::Status StartCheck(std::unique_ptr<stream::LineSource> lines,
                          absl::Time now) override;
  std::vector<stream::CheckError> check_errors() const override;
  void OnLine(absl::string_view line, absl::Time now) override;
  std::string Poll(absl::Time now) override;
  absl::Time NextWake(absl::Time now) const override;
  std::string EmergencyStop(const std::string& reason) override;
  void LinkLost(const std::string& reason) override;

  // A person resumes a held job: `~` goes out and streaming continues.
  void Resume() override;
  // Holds the job for an interlock: `!` and 0x84 go out before any line.
  std::string Hold(const std::string& reason, bool door) override;
  std::string Cancel(const std::string& reason) override;
  std::string SafeState() override;
  // Lifts GRBL's alarm lock with `$X`: called only when a person has
  // acknowledged the fault. The request holds until the controller answers
  // `$X`: a reset that crosses it (a banner) sends it again.
  void RequestAlarmUnlock();
  void ClearAlarm() override { RequestAlarmUnlock(); }

  // Ready once the settings are read and a status report since the last
  // reset said what state the controller is in: a controller still in alarm
  // must never look usable, not even until the next poll.
  bool ready() const override {
    return phase_ == Phase::kReady && status_since_reset_;
  }
  bool drained() const override;
  std::string firmware_state() const override;
  std::optional<std::string> firmware_alarm() const override;
  std::optional<bool> door_open() const override;
  std::array<double, 3> position() const override;

  stream::Outcome outcome() const override { return outcome_; }
  const std::string& reason() const override { return reason_; }
  int64_t lines_acknowledged() const override { return acked_; }
  int64_t lines_total() const override { return total_; }
  const std::optional<Status>& status() const { return status_; }
  std::optional<bool> laser_mode() const { return laser_mode_; }
  stream::MotionSettings motion_settings() const override { return motion_; }

 private:
  enum class Phase { kReset, kSettings, kReady };
  struct Sent {
    size_t bytes;
    int64_t job_index;          // -1 for a command of the host's own
    bool alarm_unlock = false;  // this is `$X`
    bool check_mode = false;    // this is `$C`
  };
  struct Check {
    int64_t line_index;
    int code;
  };

  void End(stream::Outcome outcome, std::string reason);
  void Queue(std::string command);
  void QueueAlarmUnlock();  // `$X`, once

  GrblOptions options_;
  Phase phase_ = Phase::kReset;
  bool reset_sent_ = false;
  std::unique_ptr<stream::LineSource> job_;
  int64_t total_ = 0;
  int64_t next_job_ = 0;
  std::string next_line_;  // taken from the source, waiting for buffer room
  bool has_next_line_ = false;
  std::deque<std::string> own_;  // host commands waiting: $$, $C
  std::deque<Sent> in_flight_;
  size_t in_flight_bytes_ = 0;
  std::string urgent_;  // real-time bytes to write before anything else
  bool check_mode_ = false;
  bool unlock_alarm_ = false;
  bool check_leaving_ = false;
  std::vector<Check> check_errors_;
  // The controller is in its alarm lock (ALARM:N, or `<Alarm|` reported).
  bool in_alarm_ = false;
  std::optional<int> last_alarm_;
  // A cancel soft-resets; if the machine was moving, GRBL raises ALARM:3
  // for it. That alarm is the cancel's own: it is lifted, not a fault.
  bool cancel_reset_pending_ = false;
  int64_t acked_ = 0;
  absl::Time last_rx_ = absl::InfinitePast();
  absl::Time next_status_ = absl::InfinitePast();
  bool status_pending_ = false;
  bool status_since_reset_ = false;  // a `<…>` report came after the banner
  std::optional<Status> status_;
  std::optional<bool> laser_mode_;
  stream::MotionSettings motion_;  // from `$$`
  stream::Outcome outcome_ = stream::Outcome::kIdle;
  std::string reason_;
};

}  // namespace werkbank::grbl

#endif  // WERKBANK_DRIVERS_GRBL_GRBL_HOST_H_
