// SPDX-License-Identifier: EUPL-1.2
// Backups of the database into <state dir>/backups: on demand (streamed to
// staff) and daily, keeping the newest N.
#ifndef WERKBANK_SERVICES_STORE_BACKUPS_H_
#define WERKBANK_SERVICES_STORE_BACKUPS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store.h"

namespace werkbank::store {

// Writes werkbank-YYYYMMDD-HHMMSS.db (UTC) into `dir` and deletes the oldest
// daily backups beyond `keep`. Returns the new file's path.
absl::StatusOr<std::string> DailyBackup(Store& store, const std::string& dir,
                                        absl::Time now, int keep);

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_BACKUPS_H_
