// SPDX-License-Identifier: EUPL-1.2
// Daily backups; see backups.h.
#include "backups.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace werkbank::store {

absl::StatusOr<std::string> DailyBackup(Store& store, const std::string& dir,
                                        absl::Time now, int keep) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  ::chmod(dir.c_str(), 0700);
  const std::string name = absl::StrCat(
      "werkbank-", absl::FormatTime("%Y%m%d-%H%M%S", now, absl::UTCTimeZone()),
      ".db");
  const std::string path = absl::StrCat(dir, "/", name);
  const std::string tmp = path + ".part";
  if (auto s = store.Backup(tmp); !s.ok()) return s;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return absl::InternalError(
        absl::StrCat("cannot finish backup ", path, ": ", ec.message()));
  std::vector<std::string> daily;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (absl::StartsWith(file, "werkbank-") && absl::EndsWith(file, ".db")) {
      daily.push_back(entry.path().string());
    }
  }
  std::sort(daily.begin(), daily.end());  // the names sort by time
  while (static_cast<int>(daily.size()) > std::max(keep, 1)) {
    std::filesystem::remove(daily.front(), ec);
    daily.erase(daily.begin());
  }
  return path;
}

}  // namespace werkbank::store
