// SPDX-License-Identifier: EUPL-1.2
// How instants are stored: microseconds since the Unix epoch, UTC; the
// infinite past and future as the int64 extremes; an absent instant as NULL.
// Internal to services/store.
#ifndef WERKBANK_SERVICES_STORE_SQLITE_VALUES_H_
#define WERKBANK_SERVICES_STORE_SQLITE_VALUES_H_

#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <limits>
#include <optional>

#include "absl/time/time.h"

namespace werkbank::store {

struct AuditRecord;
// Reads the columns id, at, actor, action, subject, detail, prev_hash, hash,
// seal_salts, seal_digests (in that order).
AuditRecord ReadAudit(SQLite::Statement& q);

inline int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

inline absl::Time FromMicros(int64_t us) {
  if (us == std::numeric_limits<int64_t>::min()) return absl::InfinitePast();
  if (us == std::numeric_limits<int64_t>::max()) return absl::InfiniteFuture();
  return absl::FromUnixMicros(us);
}

inline void BindOptionalTime(SQLite::Statement& q, int index,
                             const std::optional<absl::Time>& t) {
  if (t) {
    q.bind(index, Micros(*t));
  } else {
    q.bind(index);
  }
}

inline std::optional<absl::Time> OptionalTime(SQLite::Statement& q,
                                              int column) {
  if (q.getColumn(column).isNull()) return std::nullopt;
  return FromMicros(q.getColumn(column).getInt64());
}

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_SQLITE_VALUES_H_
