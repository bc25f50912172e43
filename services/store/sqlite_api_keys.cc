// SPDX-License-Identifier: EUPL-1.2
// The SQL for personal API keys (schema 9).
#include <SQLiteCpp/Statement.h>

#include "absl/strings/str_cat.h"
#include "sqlite_transaction.h"
#include "sqlite_values.h"

namespace werkbank::store {
namespace {

constexpr const char* kApiKeyColumns =
    "id, user_id, label, key_hash, prefix, created_at, last_used_at, "
    "revoked_at";

ApiKeyRecord ReadApiKey(SQLite::Statement& q) {
  ApiKeyRecord k;
  k.id = q.getColumn(0).getInt64();
  k.user_id = q.getColumn(1).getInt64();
  k.label = q.getColumn(2).getString();
  k.key_hash = q.getColumn(3).getString();
  k.prefix = q.getColumn(4).getString();
  k.created_at = FromMicros(q.getColumn(5).getInt64());
  k.last_used_at = OptionalTime(q, 6);
  k.revoked_at = OptionalTime(q, 7);
  return k;
}

}  // namespace

absl::StatusOr<int64_t> SqliteTransaction::InsertApiKey(const ApiKeyRecord& k) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "INSERT INTO api_keys (user_id, label, key_hash, prefix, created_at, "
      "last_used_at, revoked_at) VALUES (?,?,?,?,?,?,?)");
  q.bind(1, k.user_id);
  q.bind(2, k.label);
  q.bind(3, k.key_hash);
  q.bind(4, k.prefix);
  q.bind(5, Micros(k.created_at));
  BindOptionalTime(q, 6, k.last_used_at);
  BindOptionalTime(q, 7, k.revoked_at);
  q.exec();
  return db_.getLastInsertRowid();
}

absl::StatusOr<std::optional<ApiKeyRecord>> SqliteTransaction::FindApiKeyByHash(
    const std::string& key_hash) {
  CachedStatement q = statements_.Prepare(absl::StrCat(
      "SELECT ", kApiKeyColumns, " FROM api_keys WHERE key_hash=?"));
  q.bind(1, key_hash);
  if (!q.executeStep()) return std::optional<ApiKeyRecord>();
  return std::optional<ApiKeyRecord>(ReadApiKey(q));
}

absl::StatusOr<std::optional<ApiKeyRecord>> SqliteTransaction::FindApiKey(
    int64_t id) {
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT ", kApiKeyColumns, " FROM api_keys WHERE id=?"));
  q.bind(1, id);
  if (!q.executeStep()) return std::optional<ApiKeyRecord>();
  return std::optional<ApiKeyRecord>(ReadApiKey(q));
}

absl::StatusOr<std::vector<ApiKeyRecord>> SqliteTransaction::ListApiKeys(
    int64_t user_id) {
  CachedStatement q = statements_.Prepare(absl::StrCat(
      "SELECT ", kApiKeyColumns, " FROM api_keys WHERE user_id=? ORDER BY id"));
  q.bind(1, user_id);
  std::vector<ApiKeyRecord> out;
  while (q.executeStep()) out.push_back(ReadApiKey(q));
  return out;
}

absl::Status SqliteTransaction::UpdateApiKey(const ApiKeyRecord& k) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "UPDATE api_keys SET last_used_at=?, revoked_at=? WHERE id=?");
  BindOptionalTime(q, 1, k.last_used_at);
  BindOptionalTime(q, 2, k.revoked_at);
  q.bind(3, k.id);
  if (q.exec() != 1) {
    return absl::NotFoundError(absl::StrCat("no API key with id ", k.id));
  }
  return absl::OkStatus();
}

}  // namespace werkbank::store
