// SPDX-License-Identifier: EUPL-1.2
// The SQL behind each Transaction method. Exceptions from SQLiteCpp are caught
// by SqliteStore::Run and turned into a Status; constraint violations that a
// caller can act on are mapped here.
#include "sqlite_transaction.h"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "sqlite_values.h"

namespace werkbank::store {
namespace {

bool IsUniqueViolation(const SQLite::Exception& e) {
  return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE ||
         e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

constexpr const char* kUserColumns =
    "id, login, display_name, roles, user_group, card_uid, password_hash, "
    "pin_hash, disabled, created_at, failed_logins, locked_until";

UserRecord ReadUser(SQLite::Statement& q) {
  UserRecord u;
  u.id = q.getColumn(0).getInt64();
  u.login = q.getColumn(1).getString();
  u.display_name = q.getColumn(2).getString();
  u.roles = static_cast<uint32_t>(q.getColumn(3).getInt64());
  u.group = static_cast<UserGroup>(q.getColumn(4).getInt());
  if (!q.getColumn(5).isNull()) u.card_uid = q.getColumn(5).getString();
  u.password_hash = q.getColumn(6).getString();
  u.pin_hash = q.getColumn(7).getString();
  u.disabled = q.getColumn(8).getInt() != 0;
  u.created_at = FromMicros(q.getColumn(9).getInt64());
  u.failed_logins = q.getColumn(10).getInt();
  u.locked_until = FromMicros(q.getColumn(11).getInt64());
  return u;
}

void BindUser(SQLite::Statement& q, const UserRecord& u) {
  q.bind(1, u.login);
  q.bind(2, u.display_name);
  q.bind(3, static_cast<int64_t>(u.roles));
  q.bind(4, static_cast<int>(u.group));
  if (u.card_uid) {
    q.bind(5, *u.card_uid);
  } else {
    q.bind(5);
  }
  q.bind(6, u.password_hash);
  q.bind(7, u.pin_hash);
  q.bind(8, u.disabled ? 1 : 0);
  q.bind(9, Micros(u.created_at));
  q.bind(10, u.failed_logins);
  q.bind(11, Micros(u.locked_until));
}

absl::StatusOr<std::optional<UserRecord>> FindOneUser(
    StatementCache& statements, const char* where,
    const std::function<void(SQLite::Statement&)>& bind) {
  CachedStatement q = statements.Prepare(
      absl::StrCat("SELECT ", kUserColumns, " FROM users ", where));
  bind(q);
  if (!q.executeStep()) return std::optional<UserRecord>();
  return std::optional<UserRecord>(ReadUser(q));
}

constexpr const char* kQualificationColumns =
    "id, user_id, machine_class, briefing_id, granted_by, granted_at, "
    "expires_at, revoked_at, revoke_reason";

QualificationRecord ReadQualification(SQLite::Statement& q) {
  QualificationRecord r;
  r.id = q.getColumn(0).getInt64();
  r.user_id = q.getColumn(1).getInt64();
  r.machine_class = q.getColumn(2).getString();
  r.briefing_id = q.getColumn(3).getInt64();
  r.granted_by = q.getColumn(4).getInt64();
  r.granted_at = FromMicros(q.getColumn(5).getInt64());
  r.expires_at = FromMicros(q.getColumn(6).getInt64());
  r.revoked_at = OptionalTime(q, 7);
  r.revoke_reason = q.getColumn(8).getString();
  return r;
}

constexpr const char* kReservationColumns =
    "id, machine_id, owner_id, kind, state, start_at, end_at, note, "
    "created_at, cancel_reason, checked_in_at";

ReservationRecord ReadReservation(SQLite::Statement& q) {
  ReservationRecord r;
  r.id = q.getColumn(0).getInt64();
  r.machine_id = q.getColumn(1).getString();
  r.owner_id = q.getColumn(2).getInt64();
  r.kind = static_cast<ReservationKind>(q.getColumn(3).getInt());
  r.state = static_cast<ReservationState>(q.getColumn(4).getInt());
  r.start = FromMicros(q.getColumn(5).getInt64());
  r.end = FromMicros(q.getColumn(6).getInt64());
  r.note = q.getColumn(7).getString();
  r.created_at = FromMicros(q.getColumn(8).getInt64());
  r.cancel_reason = q.getColumn(9).getString();
  r.checked_in_at = OptionalTime(q, 10);
  return r;
}

constexpr const char* kActiveStates = "(1, 2)";  // booked, checked in

}  // namespace

AuditRecord ReadAudit(SQLite::Statement& q) {
  AuditRecord e;
  e.id = q.getColumn(0).getInt64();
  e.at = FromMicros(q.getColumn(1).getInt64());
  e.actor = q.getColumn(2).getString();
  e.action = q.getColumn(3).getString();
  e.subject = q.getColumn(4).getString();
  e.detail = q.getColumn(5).getString();
  e.prev_hash = q.getColumn(6).getString();
  e.hash = q.getColumn(7).getString();
  e.seal_salts = q.getColumn(8).getString();
  e.seal_digests = q.getColumn(9).getString();
  return e;
}

namespace {}  // namespace

absl::Status SqliteTransaction::CheckWritable() const {
  if (!writable_) {
    return absl::InternalError("write attempted in a read-only transaction");
  }
  return absl::OkStatus();
}

// ---- users ----

absl::StatusOr<int64_t> SqliteTransaction::InsertUser(const UserRecord& user) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  try {
    CachedStatement q = statements_.Prepare(
        "INSERT INTO users (login, display_name, roles, user_group, card_uid, "
        "password_hash, pin_hash, disabled, created_at, failed_logins, "
        "locked_until) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    BindUser(q, user);
    q.exec();
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) {
      return absl::AlreadyExistsError(absl::StrCat(
          "a user with login '", user.login, "' or that card already exists"));
    }
    throw;
  }
  return db_.getLastInsertRowid();
}

absl::Status SqliteTransaction::UpdateUser(const UserRecord& user) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  try {
    CachedStatement q = statements_.Prepare(
        "UPDATE users SET login=?, display_name=?, roles=?, user_group=?, "
        "card_uid=?, password_hash=?, pin_hash=?, disabled=?, created_at=?, "
        "failed_logins=?, locked_until=? WHERE id=?");
    BindUser(q, user);
    q.bind(12, user.id);
    if (q.exec() != 1) {
      return absl::NotFoundError(absl::StrCat("no user with id ", user.id));
    }
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) {
      return absl::AlreadyExistsError(
          "that card UID is already assigned to another user");
    }
    throw;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<UserRecord>> SqliteTransaction::FindUserById(
    int64_t id) {
  return FindOneUser(statements_, "WHERE id = ?",
                     [&](SQLite::Statement& q) { q.bind(1, id); });
}

absl::StatusOr<std::optional<UserRecord>> SqliteTransaction::FindUserByLogin(
    const std::string& login) {
  return FindOneUser(statements_, "WHERE login = ?",
                     [&](SQLite::Statement& q) { q.bind(1, login); });
}

absl::StatusOr<std::optional<UserRecord>> SqliteTransaction::FindUserByCard(
    const std::string& card_uid) {
  return FindOneUser(statements_, "WHERE card_uid = ?",
                     [&](SQLite::Statement& q) { q.bind(1, card_uid); });
}

absl::StatusOr<std::vector<UserRecord>> SqliteTransaction::ListUsers() {
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT ", kUserColumns, " FROM users ORDER BY login"));
  std::vector<UserRecord> out;
  while (q.executeStep()) out.push_back(ReadUser(q));
  return out;
}

absl::StatusOr<int64_t> SqliteTransaction::CountUsers() {
  return db_.execAndGet("SELECT count(*) FROM users").getInt64();
}

// ---- tokens ----

absl::Status SqliteTransaction::InsertToken(const TokenRecord& token) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "INSERT INTO tokens (token_hash, user_id, created_at, "
      "expires_at, revoked) VALUES (?,?,?,?,?)");
  q.bind(1, token.token_hash);
  q.bind(2, token.user_id);
  q.bind(3, Micros(token.created_at));
  q.bind(4, Micros(token.expires_at));
  q.bind(5, token.revoked ? 1 : 0);
  q.exec();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<TokenRecord>> SqliteTransaction::FindToken(
    const std::string& token_hash) {
  CachedStatement q = statements_.Prepare(
      "SELECT token_hash, user_id, created_at, expires_at, "
      "revoked FROM tokens WHERE token_hash = ?");
  q.bind(1, token_hash);
  if (!q.executeStep()) return std::optional<TokenRecord>();
  TokenRecord t;
  t.token_hash = q.getColumn(0).getString();
  t.user_id = q.getColumn(1).getInt64();
  t.created_at = FromMicros(q.getColumn(2).getInt64());
  t.expires_at = FromMicros(q.getColumn(3).getInt64());
  t.revoked = q.getColumn(4).getInt() != 0;
  return std::optional<TokenRecord>(t);
}

absl::Status SqliteTransaction::RevokeToken(const std::string& token_hash) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q =
      statements_.Prepare("UPDATE tokens SET revoked = 1 WHERE token_hash = ?");
  q.bind(1, token_hash);
  q.exec();
  return absl::OkStatus();
}

absl::StatusOr<int> SqliteTransaction::RevokeTokensOfUser(
    int64_t user_id, const std::string& keep_hash) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "UPDATE tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0 "
      "AND token_hash != ?");
  q.bind(1, user_id);
  q.bind(2, keep_hash);
  return q.exec();
}

// ---- briefings and qualifications ----

absl::StatusOr<int64_t> SqliteTransaction::InsertBriefing(
    const BriefingRecord& b) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "INSERT INTO briefings (machine_class, trainer_id, "
      "held_at, note) VALUES (?,?,?,?)");
  q.bind(1, b.machine_class);
  q.bind(2, b.trainer_id);
  q.bind(3, Micros(b.held_at));
  q.bind(4, b.note);
  q.exec();
  const int64_t id = db_.getLastInsertRowid();
  for (int64_t user_id : b.participant_ids) {
    CachedStatement p = statements_.Prepare(
        "INSERT OR IGNORE INTO briefing_participants "
        "(briefing_id, user_id) VALUES (?, ?)");
    p.bind(1, id);
    p.bind(2, user_id);
    p.exec();
  }
  return id;
}

absl::StatusOr<std::vector<BriefingRecord>> SqliteTransaction::ListBriefings(
    const std::string& machine_class) {
  CachedStatement q = statements_.Prepare(
      "SELECT id, machine_class, trainer_id, held_at, note "
      "FROM briefings WHERE ? = '' OR machine_class = ? "
      "ORDER BY held_at, id");
  q.bind(1, machine_class);
  q.bind(2, machine_class);
  std::vector<BriefingRecord> out;
  while (q.executeStep()) {
    BriefingRecord b;
    b.id = q.getColumn(0).getInt64();
    b.machine_class = q.getColumn(1).getString();
    b.trainer_id = q.getColumn(2).getInt64();
    b.held_at = FromMicros(q.getColumn(3).getInt64());
    b.note = q.getColumn(4).getString();
    out.push_back(std::move(b));
  }
  for (BriefingRecord& b : out) {
    CachedStatement p = statements_.Prepare(
        "SELECT user_id FROM briefing_participants WHERE "
        "briefing_id = ? ORDER BY user_id");
    p.bind(1, b.id);
    while (p.executeStep())
      b.participant_ids.push_back(p.getColumn(0).getInt64());
  }
  return out;
}

absl::StatusOr<int64_t> SqliteTransaction::InsertQualification(
    const QualificationRecord& r) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "INSERT INTO qualifications (user_id, machine_class, briefing_id, "
      "granted_by, granted_at, expires_at, revoked_at, revoke_reason) "
      "VALUES (?,?,?,?,?,?,NULL,'')");
  q.bind(1, r.user_id);
  q.bind(2, r.machine_class);
  q.bind(3, r.briefing_id);
  q.bind(4, r.granted_by);
  q.bind(5, Micros(r.granted_at));
  q.bind(6, Micros(r.expires_at));
  q.exec();
  return db_.getLastInsertRowid();
}

absl::StatusOr<std::optional<QualificationRecord>>
SqliteTransaction::FindQualification(int64_t id) {
  CachedStatement q = statements_.Prepare(absl::StrCat(
      "SELECT ", kQualificationColumns, " FROM qualifications WHERE id = ?"));
  q.bind(1, id);
  if (!q.executeStep()) return std::optional<QualificationRecord>();
  return std::optional<QualificationRecord>(ReadQualification(q));
}

absl::Status SqliteTransaction::UpdateQualification(
    const QualificationRecord& r) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "UPDATE qualifications SET expires_at = ?, revoked_at = "
      "?, revoke_reason = ? WHERE id = ?");
  q.bind(1, Micros(r.expires_at));
  BindOptionalTime(q, 2, r.revoked_at);
  q.bind(3, r.revoke_reason);
  q.bind(4, r.id);
  if (q.exec() != 1) {
    return absl::NotFoundError(absl::StrCat("no qualification ", r.id));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<QualificationRecord>>
SqliteTransaction::ListQualifications(std::optional<int64_t> user_id) {
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT ", kQualificationColumns,
                   " FROM qualifications WHERE ? OR user_id = ? "
                   "ORDER BY granted_at, id"));
  q.bind(1, user_id ? 0 : 1);
  q.bind(2, user_id.value_or(0));
  std::vector<QualificationRecord> out;
  while (q.executeStep()) out.push_back(ReadQualification(q));
  return out;
}

// ---- reservations ----

absl::StatusOr<int64_t> SqliteTransaction::InsertReservation(
    const ReservationRecord& r) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "INSERT INTO reservations (machine_id, owner_id, kind, state, start_at, "
      "end_at, note, created_at, cancel_reason, checked_in_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,NULL)");
  q.bind(1, r.machine_id);
  q.bind(2, r.owner_id);
  q.bind(3, static_cast<int>(r.kind));
  q.bind(4, static_cast<int>(r.state));
  q.bind(5, Micros(r.start));
  q.bind(6, Micros(r.end));
  q.bind(7, r.note);
  q.bind(8, Micros(r.created_at));
  q.bind(9, r.cancel_reason);
  q.exec();
  const int64_t id = db_.getLastInsertRowid();
  for (int64_t user_id : r.participant_ids) {
    CachedStatement p = statements_.Prepare(
        "INSERT OR IGNORE INTO reservation_participants "
        "(reservation_id, user_id) VALUES (?, ?)");
    p.bind(1, id);
    p.bind(2, user_id);
    p.exec();
  }
  return id;
}

absl::Status SqliteTransaction::UpdateReservation(const ReservationRecord& r) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "UPDATE reservations SET state = ?, cancel_reason = ?, "
      "checked_in_at = ?, end_at = ? WHERE id = ?");
  q.bind(1, static_cast<int>(r.state));
  q.bind(2, r.cancel_reason);
  BindOptionalTime(q, 3, r.checked_in_at);
  q.bind(4, Micros(r.end));
  q.bind(5, r.id);
  if (q.exec() != 1) {
    return absl::NotFoundError(absl::StrCat("no reservation ", r.id));
  }
  return absl::OkStatus();
}

absl::Status SqliteTransaction::LoadReservationParticipants(
    ReservationRecord& r) {
  if (r.kind != ReservationKind::kWorkshop) return absl::OkStatus();
  CachedStatement p = statements_.Prepare(
      "SELECT user_id FROM reservation_participants WHERE "
      "reservation_id = ? ORDER BY user_id");
  p.bind(1, r.id);
  while (p.executeStep())
    r.participant_ids.push_back(p.getColumn(0).getInt64());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ReservationRecord>>
SqliteTransaction::QueryReservations(
    const std::string& where_sql,
    const std::function<void(SQLite::Statement&)>& bind) {
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT ", kReservationColumns, " FROM reservations ",
                   where_sql, " ORDER BY start_at, id"));
  bind(q);
  std::vector<ReservationRecord> out;
  while (q.executeStep()) out.push_back(ReadReservation(q));
  for (ReservationRecord& r : out) {
    if (auto s = LoadReservationParticipants(r); !s.ok()) return s;
  }
  return out;
}

absl::StatusOr<std::optional<ReservationRecord>>
SqliteTransaction::FindReservation(int64_t id) {
  auto rows = QueryReservations("WHERE id = ?",
                                [&](SQLite::Statement& q) { q.bind(1, id); });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<ReservationRecord>();
  return std::optional<ReservationRecord>(std::move(rows->front()));
}

absl::StatusOr<std::vector<ReservationRecord>>
SqliteTransaction::FindOverlapping(const std::string& machine_id,
                                   absl::Time start, absl::Time end) {
  // end_at first: the index on active reservations by (machine, end) then
  // visits only those still running or ahead, not the machine's history.
  return QueryReservations(
      absl::StrCat("WHERE machine_id = ? AND end_at > ? AND start_at < ? AND "
                   "state IN ",
                   kActiveStates),
      [&](SQLite::Statement& q) {
        q.bind(1, machine_id);
        q.bind(2, Micros(start));
        q.bind(3, Micros(end));
      });
}

absl::StatusOr<std::optional<ReservationRecord>> SqliteTransaction::FindClash(
    const std::string& machine_id, absl::Time start, absl::Time end) {
  // Answered from the index on active reservations by (machine, start).
  std::optional<ReservationRecord> last;
  {
    CachedStatement q = statements_.Prepare(absl::StrCat(
        "SELECT ", kReservationColumns,
        " FROM reservations WHERE machine_id = ? AND start_at < ? AND state "
        "IN ",
        kActiveStates, " ORDER BY start_at DESC LIMIT 1"));
    q.bind(1, machine_id);
    q.bind(2, Micros(end));
    if (q.executeStep()) last = ReadReservation(q);
  }
  if (!last || last->end <= start) return std::optional<ReservationRecord>();
  if (auto s = LoadReservationParticipants(*last); !s.ok()) return s;
  return last;
}

absl::StatusOr<std::vector<ReservationRecord>>
SqliteTransaction::ListReservations(const ReservationFilter& f) {
  // Only the conditions the filter sets, so that SQLite can pick an index
  // for each (a generic "? = '' OR ..." form makes it scan the table).
  std::string where = "WHERE end_at > ? AND start_at < ?";
  if (!f.machine_id.empty()) absl::StrAppend(&where, " AND machine_id = ?");
  if (f.user_id) {
    absl::StrAppend(&where,
                    " AND (owner_id = ? OR id IN (SELECT reservation_id FROM "
                    "reservation_participants WHERE user_id = ?))");
  }
  if (f.active_only) absl::StrAppend(&where, " AND state IN ", kActiveStates);
  return QueryReservations(where, [&](SQLite::Statement& q) {
    int i = 0;
    q.bind(++i, Micros(f.from));
    q.bind(++i, Micros(f.to));
    if (!f.machine_id.empty()) q.bind(++i, f.machine_id);
    if (f.user_id) {
      q.bind(++i, *f.user_id);
      q.bind(++i, *f.user_id);
    }
  });
}

absl::StatusOr<int64_t> SqliteTransaction::CountActiveOwned(
    int64_t owner_id, ReservationKind kind, absl::Time from,
    const std::vector<std::string>& machine_ids) {
  if (machine_ids.empty()) return 0;
  std::string places = "?";
  for (size_t i = 1; i < machine_ids.size(); ++i) places += ", ?";
  // Answered from the index on active reservations by owner alone.
  CachedStatement q = statements_.Prepare(absl::StrCat(
      "SELECT count(*) FROM reservations WHERE owner_id = ? AND end_at > ? "
      "AND kind = ? AND machine_id IN (",
      places, ") AND state IN ", kActiveStates));
  int i = 0;
  q.bind(++i, owner_id);
  q.bind(++i, Micros(from));
  q.bind(++i, static_cast<int>(kind));
  for (const std::string& id : machine_ids) q.bind(++i, id);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

absl::StatusOr<std::vector<ReservationRecord>>
SqliteTransaction::ListActiveStartedBefore(absl::Time t) {
  return QueryReservations(
      absl::StrCat("WHERE start_at < ? AND state IN ", kActiveStates),
      [&](SQLite::Statement& q) { q.bind(1, Micros(t)); });
}

// ---- audit ----

absl::StatusOr<std::optional<AuditRecord>> SqliteTransaction::LastAuditEvent() {
  auto rows = ListAudit(-1, 1, "");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<AuditRecord>();
  return std::optional<AuditRecord>(rows->front());
}

absl::Status SqliteTransaction::InsertAudit(const AuditRecord& e) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "INSERT INTO audit_events (id, at, actor, action, "
      "subject, detail, prev_hash, hash, seal_salts, seal_digests) VALUES "
      "(?,?,?,?,?,?,?,?,?,?)");
  q.bind(1, e.id);
  q.bind(2, Micros(e.at));
  q.bind(3, e.actor);
  q.bind(4, e.action);
  q.bind(5, e.subject);
  q.bind(6, e.detail);
  q.bind(7, e.prev_hash);
  q.bind(8, e.hash);
  q.bind(9, e.seal_salts);
  q.bind(10, e.seal_digests);
  q.exec();
  return absl::OkStatus();
}

// after_id < 0 means "the newest `limit` events, newest first".
absl::StatusOr<std::vector<AuditRecord>> SqliteTransaction::ListAudit(
    int64_t after_id, int limit, const std::string& subject_prefix) {
  const bool newest = after_id < 0;
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT id, at, actor, action, subject, detail, "
                   "prev_hash, hash, seal_salts, seal_digests FROM "
                   "audit_events WHERE id > ? AND "
                   "substr(subject, 1, length(?)) = ? ORDER BY id ",
                   newest ? "DESC" : "ASC", " LIMIT ?"));
  q.bind(1, newest ? int64_t{0} : after_id);
  q.bind(2, subject_prefix);
  q.bind(3, subject_prefix);
  q.bind(4, limit);
  std::vector<AuditRecord> out;
  while (q.executeStep()) out.push_back(ReadAudit(q));
  return out;
}

}  // namespace werkbank::store
