// SPDX-License-Identifier: EUPL-1.2
// The SQL for failed logins per name typed (schema version 6).
#include <SQLiteCpp/Statement.h>

#include "sqlite_transaction.h"
#include "sqlite_values.h"

namespace werkbank::store {

absl::StatusOr<std::optional<LoginFailureRecord>>
SqliteTransaction::FindLoginFailures(const std::string& subject) {
  CachedStatement q = statements_.Prepare(
      "SELECT failures, locked_until, last_failure_at FROM login_failures "
      "WHERE subject = ?");
  q.bind(1, subject);
  if (!q.executeStep()) return std::optional<LoginFailureRecord>();
  LoginFailureRecord r;
  r.subject = subject;
  r.failures = q.getColumn(0).getInt();
  r.locked_until = FromMicros(q.getColumn(1).getInt64());
  r.last_failure_at = FromMicros(q.getColumn(2).getInt64());
  return std::optional<LoginFailureRecord>(r);
}

absl::Status SqliteTransaction::PutLoginFailures(const LoginFailureRecord& r) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "INSERT OR REPLACE INTO login_failures (subject, failures, "
      "locked_until, last_failure_at) VALUES (?,?,?,?)");
  q.bind(1, r.subject);
  q.bind(2, r.failures);
  q.bind(3, Micros(r.locked_until));
  q.bind(4, Micros(r.last_failure_at));
  q.exec();
  return absl::OkStatus();
}

absl::Status SqliteTransaction::DeleteLoginFailures(
    const std::string& subject) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q =
      statements_.Prepare("DELETE FROM login_failures WHERE subject = ?");
  q.bind(1, subject);
  q.exec();
  return absl::OkStatus();
}

absl::Status SqliteTransaction::DeleteLoginFailuresBefore(absl::Time t) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "DELETE FROM login_failures WHERE last_failure_at < ? AND "
      "locked_until < ?");
  q.bind(1, Micros(t));
  q.bind(2, Micros(t));
  q.exec();
  return absl::OkStatus();
}

}  // namespace werkbank::store
