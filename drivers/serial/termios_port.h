// SPDX-License-Identifier: EUPL-1.2
// A SerialPort over POSIX termios; used for pseudo-terminals, which
// libserialport 0.1.1 cannot open (see termios_port.cc).
#ifndef WERKBANK_DRIVERS_SERIAL_TERMIOS_PORT_H_
#define WERKBANK_DRIVERS_SERIAL_TERMIOS_PORT_H_

#include "serial_port.h"

namespace werkbank::serial {

absl::StatusOr<std::unique_ptr<SerialPort>> OpenTermiosPort(
    const std::string& path, int baud);

}  // namespace werkbank::serial

#endif  // WERKBANK_DRIVERS_SERIAL_TERMIOS_PORT_H_
