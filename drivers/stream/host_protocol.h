// SPDX-License-Identifier: EUPL-1.2
// The one driver interface: what a firmware host protocol (Marlin, GRBL)
// offers the Streamer and, through it, the machine controller. It is a state
// machine driven by the lines the firmware sends and by time, with no I/O of
// its own, so resends and timeouts are tested without threads.
//
// The controller asks a driver what it can do (capabilities) and what it
// knows (temperatures, door, the firmware's own state) instead of casting to
// a concrete host; a new firmware family is one folder in drivers/ and one
// line in the registry (services/daemon/machine_links.cc).
#ifndef WERKBANK_DRIVERS_STREAM_HOST_PROTOCOL_H_
#define WERKBANK_DRIVERS_STREAM_HOST_PROTOCOL_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "line_source.h"

namespace werkbank::stream {

enum class Outcome {
  kIdle,  // connected, no job
  kRunning,
  kHeld,  // stopped by an interlock; only an explicit resume goes on
  kCompleted,
  kFailed,     // the firmware or the link failed: the machine is in fault
  kAborted,    // emergency stop or a firmware reset/alarm during the job
  kCancelled,  // a person cancelled the job
};

// What a driver can do; the controller decides by these, never by the
// protocol's name.
struct Capabilities {
  bool heaters = false;     // reports temperatures, can lower and restore them
  bool door_input = false;  // reports a door pin
  bool dry_run = false;     // can check a program without moving (GRBL $C)
};

struct Temperatures {
  double hotend = 0, hotend_target = 0, bed = 0, bed_target = 0;
};

// How fast the machine moves, as its firmware reports it (GRBL's $110-$112
// in mm/min, $120-$122 in mm/s², $11 in mm; Marlin's M203 in mm/s, stored
// here in mm/min, M201 and M204 in mm/s²); unset where it said nothing.
struct MotionSettings {
  std::array<std::optional<double>, 3> max_rate_mm_min;
  std::array<std::optional<double>, 3> acceleration_mm_s2;
  std::optional<double> junction_deviation_mm;
  // Marlin's M204 P and T: the acceleration of moves that extrude and of
  // those that do not, before the per-axis limits.
  std::optional<double> print_acceleration_mm_s2;
  std::optional<double> travel_acceleration_mm_s2;
};

// One error of a dry run: the 0-based line index and what the firmware said.
using CheckError = std::pair<int64_t, std::string>;

class HostProtocol {
 public:
  virtual ~HostProtocol() = default;

  virtual Capabilities capabilities() const = 0;

  // Begins streaming the job's lines (G-code without comments, one command
  // each). The lines are read as they are sent: memory does not grow with
  // the program.
  virtual void StartJob(std::unique_ptr<LineSource> lines, absl::Time now) = 0;
  void StartJob(std::vector<std::string> lines, absl::Time now) {
    StartJob(VectorSource(std::move(lines)), now);
  }
  // One line received from the firmware, without its line end.
  virtual void OnLine(absl::string_view line, absl::Time now) = 0;
  // The bytes to write now (real-time bytes first), or "" for nothing.
  virtual std::string Poll(absl::Time now) = 0;
  // The latest time Poll() wants to be called again.
  virtual absl::Time NextWake(absl::Time now) const = 0;
  // The stop bytes for the wire; the job is aborted from now on.
  virtual std::string EmergencyStop(const std::string& reason) = 0;
  // Stops feeding lines (and, where the firmware can, motion) until Resume().
  // Returns the bytes that stop motion at once (GRBL feed hold, plus 0x84 for
  // the door); they go out ahead of everything else.
  virtual std::string Hold(const std::string& reason, bool door) = 0;
  // Continues a held job; only ever called for a person's explicit action.
  virtual void Resume() = 0;
  // Stops the job for good: no line of it goes out again. The bytes
  // returned stop the machine at once; the machine's cancel script and
  // heaters/laser off follow ahead of anything else.
  virtual std::string Cancel(const std::string& reason) = 0;
  // Puts the machine into its safe state now (heaters off, laser off,
  // motors released), ending any job: the daemon stops. The bytes returned
  // go out at once; anything queued follows (see Drained()).
  virtual std::string SafeState() = 0;
  // Marks the link as lost (the port failed).
  virtual void LinkLost(const std::string& reason) = 0;

  // The firmware answered the connect handshake and can take a job.
  virtual bool ready() const = 0;
  // Nothing is queued or waiting for an answer.
  virtual bool drained() const = 0;
  // The firmware's own state for people ("Idle", "Alarm", "Hold", ...).
  virtual std::string firmware_state() const = 0;
  // Set while the firmware itself refuses to work until a person clears it
  // (a GRBL alarm lock): why, for the machine's fault.
  virtual std::optional<std::string> firmware_alarm() const {
    return std::nullopt;
  }
  // A person acknowledged the machine's fault: clear the firmware's own lock
  // (GRBL `$X`) in this session.
  virtual void ClearAlarm() {}

  virtual Temperatures temperatures() const { return {}; }
  // The door as the machine last reported it; nullopt without a door input
  // or before the first report.
  virtual std::optional<bool> door_open() const { return std::nullopt; }
  virtual std::array<double, 3> position() const { return {0, 0, 0}; }
  // The rates the firmware reported at connect; empty where it has none.
  virtual MotionSettings motion_settings() const { return {}; }
  // Once ready(): why the firmware reported no rates although it was asked
  // (e.g. a Marlin build without M503), for the machine's log; "" otherwise.
  virtual std::string motion_unreported() const { return ""; }

  // Heaters off while a held job waits, and back to the job's own targets
  // (waiting for them) before it continues. Only with capabilities().heaters.
  virtual void LowerHeaters() {}
  virtual void RestoreHeaters() {}

  // Streams `lines` without moving (capabilities().dry_run); the job
  // completes with every error in check_errors().
  virtual absl::Status StartCheck(std::unique_ptr<LineSource> lines,
                                  absl::Time now) {
    (void)lines;
    (void)now;
    return absl::UnimplementedError("this machine cannot do a dry run");
  }
  virtual std::vector<CheckError> check_errors() const { return {}; }

  virtual Outcome outcome() const = 0;
  virtual const std::string& reason() const = 0;  // why failed/aborted/held
  virtual int64_t lines_acknowledged() const = 0;
  virtual int64_t lines_total() const = 0;
};

}  // namespace werkbank::stream

#endif  // WERKBANK_DRIVERS_STREAM_HOST_PROTOCOL_H_
