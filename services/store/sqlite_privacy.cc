// SPDX-License-Identifier: EUPL-1.2
// The SQL for anonymising a person, their last activity, the programs
// nobody needs after it, and rewriting audit events (schema 8).
#include <SQLiteCpp/Statement.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "sqlite_transaction.h"
#include "sqlite_values.h"

namespace werkbank::store {

absl::Status SqliteTransaction::RewriteAudit(const AuditRecord& e) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "UPDATE audit_events SET actor=?, subject=?, detail=?, hash=?, "
      "seal_salts=?, seal_digests=?, prev_hash=? WHERE id=?");
  q.bind(1, e.actor);
  q.bind(2, e.subject);
  q.bind(3, e.detail);
  q.bind(4, e.hash);
  q.bind(5, e.seal_salts);
  q.bind(6, e.seal_digests);
  q.bind(7, e.prev_hash);
  q.bind(8, e.id);
  if (q.exec() != 1) {
    return absl::NotFoundError(absl::StrCat("no audit event ", e.id));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AuditRecord>> SqliteTransaction::ListAuditMentioning(
    const std::vector<std::string>& needles) {
  std::vector<AuditRecord> out;
  std::vector<int64_t> seen;
  // One pass per needle; a person has at most three (login, name, card).
  for (const std::string& needle : needles) {
    if (needle.empty()) continue;
    CachedStatement q = statements_.Prepare(
        "SELECT id, at, actor, action, subject, detail, prev_hash, hash, "
        "seal_salts, seal_digests FROM audit_events WHERE instr(actor, ?1) > 0 "
        "OR instr(subject, ?1) > 0 OR instr(detail, ?1) > 0 ORDER BY id");
    q.bind(1, needle);
    while (q.executeStep()) {
      AuditRecord e = ReadAudit(q);
      if (std::find(seen.begin(), seen.end(), e.id) != seen.end()) continue;
      seen.push_back(e.id);
      out.push_back(std::move(e));
    }
  }
  std::sort(
      out.begin(), out.end(),
      [](const AuditRecord& a, const AuditRecord& b) { return a.id < b.id; });
  return out;
}

absl::Status SqliteTransaction::ScrubUser(const ScrubRequest& r) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  auto run = [&](const std::string& sql,
                 const std::function<void(SQLite::Statement&)>& bind) {
    CachedStatement q = statements_.Prepare(sql);
    bind(q);
    q.exec();
  };
  const int64_t id = r.user_id;
  // Their own account: nothing left to log in with or to recognise them by.
  run("UPDATE users SET login=?, display_name='', card_uid=NULL, "
      "password_hash='', pin_hash='', disabled=1, anonymised_at=? WHERE id=?",
      [&](SQLite::Statement& q) {
        q.bind(1, r.new_login);
        q.bind(2, Micros(r.at));
        q.bind(3, id);
      });
  run("DELETE FROM tokens WHERE user_id=?",
      [&](SQLite::Statement& q) { q.bind(1, id); });
  run("DELETE FROM api_keys WHERE user_id=?",
      [&](SQLite::Statement& q) { q.bind(1, id); });
  // Their own notes go entirely.
  run("UPDATE reservations SET note='', cancel_reason='' WHERE owner_id=?",
      [&](SQLite::Statement& q) { q.bind(1, id); });
  run("UPDATE briefings SET note='' WHERE trainer_id=?",
      [&](SQLite::Statement& q) { q.bind(1, id); });
  run("UPDATE qualifications SET revoke_reason='' WHERE user_id=?",
      [&](SQLite::Statement& q) { q.bind(1, id); });
  run("UPDATE jobs SET file_name='job-' || id || '.gcode' WHERE owner_id=?",
      [&](SQLite::Statement& q) { q.bind(1, id); });
  // A print service request: their note and file name, and the reason it
  // was declined, which was written to them.
  run("UPDATE service_requests SET note='', decline_reason='', "
      "file_name='request-' || id || '.gcode' WHERE submitter_id=?",
      [&](SQLite::Statement& q) { q.bind(1, id); });
  // Anyone else's text that names them keeps its words but not the name.
  static constexpr const char* kTexts[][2] = {
      {"reservations", "note"},
      {"reservations", "cancel_reason"},
      {"briefings", "note"},
      {"qualifications", "revoke_reason"},
      {"jobs", "end_reason"},
      {"jobs", "file_name"},
      {"machine_blocks", "reason"},
      {"visits", "topic"},
      {"service_requests", "note"},
      {"service_requests", "decline_reason"},
      {"service_requests", "file_name"},
  };
  for (const std::string& needle : r.needles) {
    if (needle.empty()) continue;
    run("DELETE FROM login_failures WHERE subject = 'login:' || ?1 OR "
        "subject = 'card:' || ?1",
        [&](SQLite::Statement& q) { q.bind(1, needle); });
    for (const auto& [table, column] : kTexts) {
      run(absl::StrCat("UPDATE ", table, " SET ", column, " = replace(", column,
                       ", ?1, ?2) WHERE instr(", column, ", ?1) > 0"),
          [&](SQLite::Statement& q) {
            q.bind(1, needle);
            q.bind(2, r.replacement);
          });
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<absl::Time>> SqliteTransaction::AnonymisedAt(
    int64_t user_id) {
  CachedStatement q =
      statements_.Prepare("SELECT anonymised_at FROM users WHERE id=?");
  q.bind(1, user_id);
  if (!q.executeStep()) {
    return absl::NotFoundError(absl::StrCat("no user with id ", user_id));
  }
  return OptionalTime(q, 0);
}

namespace {

// The newest sign of life of users.id = u.id, as one SQL expression.
constexpr const char* kLastActivity =
    "max(u.created_at,"
    " coalesce((SELECT max(created_at) FROM tokens WHERE user_id=u.id), 0),"
    " coalesce((SELECT max(end_at) FROM reservations WHERE owner_id=u.id), 0),"
    " coalesce((SELECT max(r.end_at) FROM reservations r JOIN "
    "reservation_participants p ON p.reservation_id=r.id WHERE "
    "p.user_id=u.id), 0),"
    " coalesce((SELECT max(created_at) FROM jobs WHERE owner_id=u.id), 0),"
    " coalesce((SELECT max(created_at) FROM service_requests WHERE "
    "submitter_id=u.id), 0),"
    " coalesce((SELECT max(held_at) FROM briefings WHERE trainer_id=u.id), 0),"
    " coalesce((SELECT max(granted_at) FROM qualifications WHERE "
    "user_id=u.id), 0))";

}  // namespace

absl::StatusOr<absl::Time> SqliteTransaction::LastActivity(int64_t user_id) {
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT ", kLastActivity, " FROM users u WHERE u.id=?"));
  q.bind(1, user_id);
  if (!q.executeStep()) {
    return absl::NotFoundError(absl::StrCat("no user with id ", user_id));
  }
  return FromMicros(q.getColumn(0).getInt64());
}

absl::StatusOr<std::vector<int64_t>> SqliteTransaction::ListInactiveUsers(
    absl::Time t) {
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT u.id FROM users u WHERE u.anonymised_at IS NULL AND "
                   "(u.roles & ",
                   static_cast<int64_t>(kStaff), ") = 0 AND ", kLastActivity,
                   " < ? ORDER BY u.id"));
  q.bind(1, Micros(t));
  std::vector<int64_t> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getInt64());
  return out;
}

absl::StatusOr<std::vector<std::string>>
SqliteTransaction::ListForgottenPrograms() {
  // Programs are stored by content: a file goes only when nobody else's
  // job or request has the same content, and never under a job that is
  // queued, running or paused (it reads the file while it runs).
  CachedStatement q = statements_.Prepare(absl::StrCat(
      "SELECT j.sha256 FROM jobs j JOIN users u ON u.id=j.owner_id "
      "WHERE u.anonymised_at IS NOT NULL "
      "UNION SELECT r.sha256 FROM service_requests r JOIN users u "
      "ON u.id=r.submitter_id WHERE u.anonymised_at IS NOT NULL "
      "EXCEPT SELECT j.sha256 FROM jobs j JOIN users u ON u.id=j.owner_id "
      "WHERE u.anonymised_at IS NULL OR j.state IN (",
      static_cast<int>(JobState::kQueued), ",",
      static_cast<int>(JobState::kRunning), ",",
      static_cast<int>(JobState::kPaused),
      ") EXCEPT SELECT r.sha256 FROM service_requests r JOIN users u "
      "ON u.id=r.submitter_id WHERE u.anonymised_at IS NULL ORDER BY 1"));
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

}  // namespace werkbank::store
