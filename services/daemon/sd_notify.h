// SPDX-License-Identifier: EUPL-1.2
// The systemd notification protocol (sd_notify), written out so werkbank
// needs no libsystemd: datagrams to $NOTIFY_SOCKET. Without that variable
// (not under systemd) every call does nothing.
#ifndef WERKBANK_SERVICES_DAEMON_SD_NOTIFY_H_
#define WERKBANK_SERVICES_DAEMON_SD_NOTIFY_H_

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace werkbank::daemon {

// Sends e.g. "READY=1", "WATCHDOG=1", "STOPPING=1", "STATUS=…".
void Notify(const std::string& state);

// How often to send WATCHDOG=1: half of $WATCHDOG_USEC, when it is set for
// this process.
std::optional<absl::Duration> WatchdogInterval();

}  // namespace werkbank::daemon

#endif  // WERKBANK_SERVICES_DAEMON_SD_NOTIFY_H_
