// SPDX-License-Identifier: EUPL-1.2
// Small file helpers for the state directory: private (0600/0700) files and
// folders, written atomically, and the single-instance lock.
#ifndef WERKBANK_SERVICES_DAEMON_FILE_UTIL_H_
#define WERKBANK_SERVICES_DAEMON_FILE_UTIL_H_

#include <string>

#include "absl/status/statusor.h"

namespace werkbank::daemon {

absl::StatusOr<std::string> ReadFile(const std::string& path);

// Writes `content` to a temporary file with mode 0600, fsyncs it, and renames
// it over `path`.
absl::Status WritePrivateFile(const std::string& path,
                              const std::string& content);

// Creates `path` (and parents) with mode 0700 if missing.
absl::Status MakePrivateDir(const std::string& path);

// Takes an exclusive lock on `path` for the life of the process. Fails with
// FAILED_PRECONDITION naming the holder when another werkbankd has it.
absl::StatusOr<int> LockStateDir(const std::string& path);

}  // namespace werkbank::daemon

#endif  // WERKBANK_SERVICES_DAEMON_FILE_UTIL_H_
