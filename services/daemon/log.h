// SPDX-License-Identifier: EUPL-1.2
// The daemon's log: leveled lines on stderr ("werkbankd: warning: …"), or,
// under systemd (JOURNAL_STREAM set), structured entries on journald's native
// socket with PRIORITY, SYSLOG_IDENTIFIER and any WERKBANK_* fields. No
// secret is ever passed here.
#ifndef WERKBANK_SERVICES_DAEMON_LOG_H_
#define WERKBANK_SERVICES_DAEMON_LOG_H_

#include <map>
#include <string>

namespace werkbank::daemon {

enum class Level { kError = 3, kWarning = 4, kInfo = 6 };

void Log(Level level, const std::string& message,
         const std::map<std::string, std::string>& fields = {});

}  // namespace werkbank::daemon

#endif  // WERKBANK_SERVICES_DAEMON_LOG_H_
