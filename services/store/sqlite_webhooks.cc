// SPDX-License-Identifier: EUPL-1.2
// The SQL for the webhooks' outbox and their booking reminders (schema 11).
#include <SQLiteCpp/Statement.h>

#include "absl/strings/str_cat.h"
#include "sqlite_transaction.h"
#include "sqlite_values.h"

namespace werkbank::store {
namespace {

constexpr const char* kDeliveryColumns =
    "id, endpoint, event, body, created_at, attempts, next_attempt_at";

WebhookDeliveryRecord ReadDelivery(SQLite::Statement& q) {
  WebhookDeliveryRecord d;
  d.id = q.getColumn(0).getInt64();
  d.endpoint = q.getColumn(1).getString();
  d.event = q.getColumn(2).getString();
  d.body = q.getColumn(3).getString();
  d.created_at = FromMicros(q.getColumn(4).getInt64());
  d.attempts = q.getColumn(5).getInt();
  d.next_attempt_at = FromMicros(q.getColumn(6).getInt64());
  return d;
}

}  // namespace

absl::StatusOr<int64_t> SqliteTransaction::InsertWebhookDelivery(
    const WebhookDeliveryRecord& d) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "INSERT INTO webhook_outbox (endpoint, event, body, created_at, "
      "attempts, next_attempt_at) VALUES (?,?,?,?,?,?)");
  q.bind(1, d.endpoint);
  q.bind(2, d.event);
  q.bind(3, d.body);
  q.bind(4, Micros(d.created_at));
  q.bind(5, d.attempts);
  q.bind(6, Micros(d.next_attempt_at));
  q.exec();
  return db_.getLastInsertRowid();
}

absl::StatusOr<std::vector<WebhookDeliveryRecord>>
SqliteTransaction::ListWebhookDeliveries(const std::string& endpoint,
                                         int limit) {
  CachedStatement q = statements_.Prepare(absl::StrCat(
      "SELECT ", kDeliveryColumns,
      " FROM webhook_outbox WHERE endpoint=? ORDER BY id LIMIT ?"));
  q.bind(1, endpoint);
  q.bind(2, limit);
  std::vector<WebhookDeliveryRecord> out;
  while (q.executeStep()) out.push_back(ReadDelivery(q));
  return out;
}

absl::Status SqliteTransaction::UpdateWebhookAttempt(
    int64_t id, int attempts, absl::Time next_attempt_at) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "UPDATE webhook_outbox SET attempts=?, next_attempt_at=? WHERE id=?");
  q.bind(1, attempts);
  q.bind(2, Micros(next_attempt_at));
  q.bind(3, id);
  q.exec();
  return absl::OkStatus();
}

absl::Status SqliteTransaction::DeleteWebhookDelivery(int64_t id) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q =
      statements_.Prepare("DELETE FROM webhook_outbox WHERE id=?");
  q.bind(1, id);
  q.exec();
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SqliteTransaction::TrimWebhookDeliveries(
    const std::string& endpoint, int64_t keep) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "DELETE FROM webhook_outbox WHERE endpoint=? AND id NOT IN (SELECT id "
      "FROM webhook_outbox WHERE endpoint=? ORDER BY id DESC LIMIT ?)");
  q.bind(1, endpoint);
  q.bind(2, endpoint);
  q.bind(3, keep);
  return static_cast<int64_t>(q.exec());
}

absl::StatusOr<bool> SqliteTransaction::MarkWebhookReminded(
    const std::string& endpoint, int64_t reservation_id, absl::Time at) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "INSERT OR IGNORE INTO webhook_reminders (endpoint, reservation_id, "
      "reminded_at) VALUES (?,?,?)");
  q.bind(1, endpoint);
  q.bind(2, reservation_id);
  q.bind(3, Micros(at));
  return q.exec() == 1;
}

absl::Status SqliteTransaction::ForgetWebhookRemindersBefore(absl::Time t) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "DELETE FROM webhook_reminders WHERE reminded_at < ?");
  q.bind(1, Micros(t));
  q.exec();
  return absl::OkStatus();
}

}  // namespace werkbank::store
