// What a firmware host protocol (Marlin, GRBL) looks like to the Streamer: a
// state machine driven by the lines the firmware sends and by time, with no
// I/O of its own, so resends and timeouts are tested without threads.
#ifndef WERKBANK_DRIVERS_STREAM_HOST_PROTOCOL_H_
#define WERKBANK_DRIVERS_STREAM_HOST_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

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

class HostProtocol {
 public:
  virtual ~HostProtocol() = default;

  // Begins streaming `lines` (G-code without comments, one command each).
  virtual void StartJob(std::vector<std::string> lines, absl::Time now) = 0;
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
  // Stops the job for good; the bytes returned stop the machine and turn
  // heaters and laser off, ahead of anything else.
  virtual std::string Cancel(const std::string& reason) = 0;
  // Bytes that put an idle machine into its safe state (heaters off, laser
  // off, motors released), sent on every connect.
  virtual std::string SafeState() = 0;
  // Marks the link as lost (the port failed).
  virtual void LinkLost(const std::string& reason) = 0;

  virtual Outcome outcome() const = 0;
  virtual const std::string& reason() const = 0;  // why failed/aborted/held
  virtual int64_t lines_acknowledged() const = 0;
  virtual int64_t lines_total() const = 0;
};

}  // namespace werkbank::stream

#endif  // WERKBANK_DRIVERS_STREAM_HOST_PROTOCOL_H_
