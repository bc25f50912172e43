// SPDX-License-Identifier: EUPL-1.2
// The Marlin host protocol: numbered lines with XOR checksums, an in-flight
// window against `ok`, resends from a bounded history, `busy:` keepalives, a
// timeout probe with M105 and then a dead-firmware verdict, temperature
// reports, recoverable vs fatal errors, and a `start` line as a firmware
// reset. The connect handshake ends with M503: the motion rates it reports
// (settings_report.h) are the machine's for the time estimate.
//
// Every line the host sends is numbered and checksummed — the connect
// handshake, the safe state, temperature polls, heater changes, the cancel
// script — so firmware that demands a checksum on every line takes them all.
// Only the emergency-parser commands (M112, M108, M410) go bare: Marlin acts
// on them wherever they appear, even with a full buffer.
//
// Sequences (docs/design.md, invariant 7): each job starts with `M110 N0`,
// so its numbering owns nothing of an earlier job; when a job ends its lines
// leave the history, and a resend the firmware asks for afterwards gets a
// harmless M105 in their place.
#ifndef WERKBANK_DRIVERS_MARLIN_MARLIN_HOST_H_
#define WERKBANK_DRIVERS_MARLIN_MARLIN_HOST_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/stream/host_protocol.h"
#include "settings_report.h"

namespace werkbank::marlin {

struct MarlinOptions {
  int window = 1;                                       // lines in flight
  absl::Duration response_timeout = absl::Seconds(10);  // then probe with M105
  absl::Duration probe_timeout = absl::Seconds(5);      // then: firmware dead
  // Without M155 autoreport, temperatures are polled with M105 this often.
  absl::Duration temperature_poll = absl::Seconds(2);
  // Marlin follows a Resend with an ok that acknowledges nothing; nothing is
  // resent until it came or this long passed (firmware that sends none).
  absl::Duration resend_ok_grace = absl::Milliseconds(100);
  // The machine's own lines, from its config.
  std::vector<std::string> safe_state_script;
  std::vector<std::string> cancel_script;
};

// "N12 G1 X5*71": the line with its number and checksum.
std::string NumberedLine(int64_t n, absl::string_view command);

using Temperatures = stream::Temperatures;
// A temperature report such as " T:210.1 /210.0 B:60.0 /60.0 @:0"; targets
// missing from the report (" T:21.3") are nullopt.
struct TemperatureReport {
  double hotend = 0;
  std::optional<double> hotend_target;
  std::optional<double> bed;
  std::optional<double> bed_target;
};
std::optional<TemperatureReport> ParseTemperatures(absl::string_view line);

// What an `Error:` line means for the job, whatever its case or wording.
enum class ErrorKind {
  kTransmission,  // checksum or line number: a Resend follows
  kHarmless,      // e.g. unknown command, cold extrusion prevented
  kFatal,         // halted, thermal protection, anything not known
};
ErrorKind ClassifyError(absl::string_view message);

class MarlinHost : public stream::HostProtocol {
 public:
  explicit MarlinHost(MarlinOptions options = {});

  stream::Capabilities capabilities() const override {
    return {.heaters = true};
  }
  using HostProtocol::StartJob;
  void StartJob(std::unique_ptr<stream::LineSource> lines,
                absl::Time now) override;
  void OnLine(absl::string_view line, absl::Time now) override;
  std::string Poll(absl::Time now) override;
  absl::Time NextWake(absl::Time now) const override;
  std::string EmergencyStop(const std::string& reason) override;
  void LinkLost(const std::string& reason) override;
  std::string Hold(const std::string& reason, bool door) override;
  void Resume() override;
  std::string Cancel(const std::string& reason) override;
  std::string SafeState() override;
  void LowerHeaters() override;
  void RestoreHeaters() override;

  bool ready() const override { return handshake_left_ == 0; }
  bool drained() const override;
  std::string firmware_state() const override;
  stream::Temperatures temperatures() const override { return temps_; }
  stream::Outcome outcome() const override { return outcome_; }
  const std::string& reason() const override { return reason_; }
  int64_t lines_acknowledged() const override { return acked_; }
  int64_t lines_total() const override { return total_; }
  bool autoreport() const { return autoreport_; }
  // What the last M503 reported; empty before its answer, or when the
  // firmware reported nothing (motion_unreported() says why).
  stream::MotionSettings motion_settings() const override { return motion_; }
  std::string motion_unreported() const override { return unreported_; }

 private:
  struct Sent {
    int64_t n = -1;         // -1: a bare emergency-parser command
    int64_t job_line = -1;  // index in the job, -1 for the host's own
    bool long_running = false;
    bool handshake = false;
    bool settings = false;  // the host's own M503
  };
  struct Queued {
    std::string command;
    bool handshake = false;
  };
  struct Numbered {
    int64_t n;
    std::string command;
    int64_t job_line;
    bool handshake;
  };

  void End(stream::Outcome outcome, std::string reason);
  // The connect sequence: numbering, safe state, capabilities.
  void Handshake();
  // The job's lines leave the history and the source: none goes again.
  void ForgetJob();
  std::string Send(std::string command, int64_t job_line, bool handshake,
                   absl::Time now);
  void Remember(const std::string& command, bool job);
  void OnOk(absl::string_view line);
  void OnResend(absl::string_view line, absl::Time now);
  void OnError(absl::string_view message);
  void CheckCompleted();
  // The M503 answer is complete (its ok came): keep what it reported.
  void SettingsAnswered();

  MarlinOptions options_;
  std::deque<Queued> host_queue_;  // the host's own lines, before job lines
  int handshake_left_ = 0;         // handshake lines not yet acknowledged
  std::unique_ptr<stream::LineSource> job_;
  int64_t total_ = 0;             // lines in the job
  int64_t taken_ = 0;             // job lines taken from the source
  int64_t acked_ = 0;             // job lines acknowledged
  std::deque<Numbered> history_;  // the last numbered lines, for resends
  int64_t next_n_ = 0;            // number of the next new line
  int64_t resend_n_ = 0;          // next to resend while < next_n_
  std::deque<Sent> in_flight_;    // sent, not yet acknowledged
  absl::Time last_progress_ = absl::InfinitePast();
  std::optional<absl::Time> probe_sent_;
  absl::Time quiet_until_ = absl::InfinitePast();
  bool swallow_ok_ = false;  // the next ok answers a Resend
  bool autoreport_ = false;
  bool halted_ = false;
  // From the handshake's M503 until its ok: the lines are its report.
  bool reading_settings_ = false;
  bool settings_unknown_ = false;  // it said "Unknown command"
  SettingsReport report_;
  stream::MotionSettings motion_;
  std::string unreported_;
  absl::Time next_temperature_poll_ = absl::InfinitePast();
  Temperatures temps_;
  // Targets the host commanded (any line), and those the job itself set.
  double commanded_hotend_ = 0, commanded_bed_ = 0;
  double job_hotend_ = 0, job_bed_ = 0;
  stream::Outcome outcome_ = stream::Outcome::kIdle;
  std::string reason_;
};

}  // namespace werkbank::marlin

#endif  // WERKBANK_DRIVERS_MARLIN_MARLIN_HOST_H_
