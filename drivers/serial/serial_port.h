// SPDX-License-Identifier: EUPL-1.2
// The byte stream to a machine. The libserialport implementation talks to a
// real device; tests give it a pseudo-terminal with simulated firmware on the
// other end, so the same code runs.
//
// Thread-safety: Write() may be called from any thread (the stop path writes
// while the I/O thread streams); whole writes never interleave. Read() is for
// the one I/O thread that owns the port.
#ifndef WERKBANK_DRIVERS_SERIAL_SERIAL_PORT_H_
#define WERKBANK_DRIVERS_SERIAL_SERIAL_PORT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace werkbank::serial {

class SerialPort {
 public:
  virtual ~SerialPort() = default;

  // Writes every byte of `data` or fails: DEADLINE_EXCEEDED when the device
  // does not take them within `timeout`, UNAVAILABLE when it is gone.
  virtual absl::Status Write(absl::string_view data,
                             absl::Duration timeout) = 0;

  // Waits up to `timeout` for data and returns what arrived (at most `max`
  // bytes); an empty string on timeout. UNAVAILABLE when the device is gone.
  virtual absl::StatusOr<std::string> Read(size_t max,
                                           absl::Duration timeout) = 0;
};

// Opens `path` at `baud`, 8N1, no flow control, exclusively: a second open of
// the same device fails with FAILED_PRECONDITION.
absl::StatusOr<std::unique_ptr<SerialPort>> OpenSerialPort(
    const std::string& path, int baud);

}  // namespace werkbank::serial

#endif  // WERKBANK_DRIVERS_SERIAL_SERIAL_PORT_H_
