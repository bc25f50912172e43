// SPDX-License-Identifier: EUPL-1.2
// Daemon logging; see log.h.
#include "log.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

#include "absl/strings/str_cat.h"

namespace werkbank::daemon {
namespace {

// journald's native protocol: KEY=value lines; a value with a newline is sent
// as KEY\n<64-bit little-endian length><value>\n.
void AppendField(std::string& out, const std::string& key,
                 const std::string& value) {
  if (value.find('\n') == std::string::npos) {
    absl::StrAppend(&out, key, "=", value, "\n");
    return;
  }
  absl::StrAppend(&out, key, "\n");
  uint64_t n = value.size();
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  absl::StrAppend(&out, value, "\n");
}

bool SendToJournal(Level level, const std::string& message,
                   const std::map<std::string, std::string>& fields) {
  if (std::getenv("JOURNAL_STREAM") == nullptr) return false;
  const char* path =
      std::getenv("WERKBANK_JOURNAL_SOCKET");  // tests point it elsewhere
  if (path == nullptr) path = "/run/systemd/journal/socket";
  std::string datagram;
  AppendField(datagram, "MESSAGE", message);
  AppendField(datagram, "PRIORITY", std::to_string(static_cast<int>(level)));
  AppendField(datagram, "SYSLOG_IDENTIFIER", "werkbankd");
  for (const auto& [k, v] : fields) AppendField(datagram, k, v);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (std::strlen(path) >= sizeof(addr.sun_path)) return false;
  std::strcpy(addr.sun_path, path);
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool ok =
      ::sendto(fd, datagram.data(), datagram.size(), MSG_NOSIGNAL,
               reinterpret_cast<sockaddr*>(&addr), sizeof addr) >= 0;
  ::close(fd);
  return ok;
}

}  // namespace

void Log(Level level, const std::string& message,
         const std::map<std::string, std::string>& fields) {
  if (SendToJournal(level, message, fields)) return;
  const char* prefix = level == Level::kError     ? "error: "
                       : level == Level::kWarning ? "warning: "
                                                  : "";
  std::cerr << "werkbankd: " << prefix << message << std::endl;
}

}  // namespace werkbank::daemon
