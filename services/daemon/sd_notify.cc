// SPDX-License-Identifier: EUPL-1.2
// sd_notify without libsystemd; see sd_notify.h.
#include "sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "absl/strings/numbers.h"

namespace werkbank::daemon {

void Notify(const std::string& state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || path[0] == '\0') return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const size_t len = std::strlen(path);
  if (len >= sizeof(addr.sun_path)) return;
  std::memcpy(addr.sun_path, path, len);
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
           reinterpret_cast<sockaddr*>(&addr),
           static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len));
  ::close(fd);
}

std::optional<absl::Duration> WatchdogInterval() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  int64_t us = 0;
  if (usec == nullptr || !absl::SimpleAtoi(usec, &us) || us <= 0)
    return std::nullopt;
  int64_t for_pid = 0;
  if (pid != nullptr && absl::SimpleAtoi(pid, &for_pid) &&
      for_pid != ::getpid()) {
    return std::nullopt;
  }
  return absl::Microseconds(us) / 2;
}

}  // namespace werkbank::daemon
