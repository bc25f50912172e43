// SPDX-License-Identifier: EUPL-1.2
// A pseudo-terminal pair for simulated machines: the simulator owns the
// master side, the host opens the slave path like any serial device.
#ifndef WERKBANK_DRIVERS_SERIAL_PTY_H_
#define WERKBANK_DRIVERS_SERIAL_PTY_H_

#include <string>

#include "absl/status/statusor.h"

namespace werkbank::serial {

class Pty {
 public:
  // Creates the pair with the slave in raw mode (no echo, no line editing).
  static absl::StatusOr<Pty> Create();
  Pty(Pty&& other) noexcept;
  Pty& operator=(Pty&& other) noexcept;
  ~Pty();

  int master_fd() const { return master_; }
  const std::string& slave_path() const { return slave_path_; }

  // Closes the master: the host sees the device vanish (EIO), as when a USB
  // cable is pulled.
  void Hangup();

 private:
  Pty() = default;
  int master_ = -1;
  int slave_keepalive_ = -1;  // keeps the pair up before the host opens it
  std::string slave_path_;
};

}  // namespace werkbank::serial

#endif  // WERKBANK_DRIVERS_SERIAL_PTY_H_
