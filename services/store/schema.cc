// SPDX-License-Identifier: EUPL-1.2
// Migrations; see schema.h. Instants are stored as microseconds since the
// Unix epoch, UTC.
#include "schema.h"

#include "utf8_repair.h"

namespace werkbank::store {
namespace {

constexpr Migration kMigrations[] = {
    // 0 -> 1: accounts, trainings, bookings, audit.
    {R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  roles INTEGER NOT NULL,
  user_group INTEGER NOT NULL,
  card_uid TEXT UNIQUE,
  password_hash TEXT NOT NULL,
  pin_hash TEXT NOT NULL DEFAULT '',
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL
);
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_by_user ON tokens(user_id);
CREATE TABLE briefings (
  id INTEGER PRIMARY KEY,
  machine_class TEXT NOT NULL,
  trainer_id INTEGER NOT NULL REFERENCES users(id),
  held_at INTEGER NOT NULL,
  note TEXT NOT NULL
);
CREATE TABLE briefing_participants (
  briefing_id INTEGER NOT NULL REFERENCES briefings(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (briefing_id, user_id)
);
CREATE TABLE qualifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  machine_class TEXT NOT NULL,
  briefing_id INTEGER NOT NULL REFERENCES briefings(id),
  granted_by INTEGER NOT NULL REFERENCES users(id),
  granted_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX qualifications_by_user ON qualifications(user_id);
CREATE TABLE reservations (
  id INTEGER PRIMARY KEY,
  machine_id TEXT NOT NULL,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  kind INTEGER NOT NULL,
  state INTEGER NOT NULL,
  start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL CHECK (end_at > start_at),
  note TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  cancel_reason TEXT NOT NULL DEFAULT '',
  checked_in_at INTEGER
);
CREATE INDEX reservations_by_machine ON reservations(machine_id, start_at);
CREATE INDEX reservations_by_owner ON reservations(owner_id, start_at);
CREATE TABLE reservation_participants (
  reservation_id INTEGER NOT NULL REFERENCES reservations(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (reservation_id, user_id)
);
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
)sql"},
    // 1 -> 2: machine control: jobs and maintenance blocks.
    {R"sql(
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  machine_id TEXT NOT NULL,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  state INTEGER NOT NULL,
  preflight TEXT NOT NULL,
  line_count INTEGER NOT NULL,
  estimated_seconds REAL NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  end_reason TEXT NOT NULL DEFAULT '',
  lines_done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_by_machine ON jobs(machine_id, id);
CREATE INDEX jobs_by_owner ON jobs(owner_id, id);
CREATE TABLE machine_blocks (
  machine_id TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  blocked_by INTEGER NOT NULL REFERENCES users(id),
  blocked_at INTEGER NOT NULL
);
)sql"},
    // 2 -> 3: indexes so that a booking decision reads only the active
    // reservations still running or ahead, however long the lab's history
    // and however many were cancelled: per machine (overlap checks, answered
    // from the index but for the clash itself), per owner (quotas, answered
    // from the index), by start (the no-show sweep); all reservations by end
    // per machine and owner (listings, reports); workshops by participant.
    {R"sql(
DROP INDEX reservations_by_machine;
DROP INDEX reservations_by_owner;
CREATE INDEX reservations_by_machine_end ON reservations(machine_id, end_at);
CREATE INDEX reservations_by_owner_end ON reservations(owner_id, end_at);
CREATE INDEX reservations_active_by_machine
  ON reservations(machine_id, end_at, start_at) WHERE state IN (1, 2);
CREATE INDEX reservations_active_by_owner
  ON reservations(owner_id, end_at, kind, machine_id, state)
  WHERE state IN (1, 2);
CREATE INDEX reservations_active_by_start ON reservations(start_at)
  WHERE state IN (1, 2);
CREATE INDEX reservation_participants_by_user
  ON reservation_participants(user_id, reservation_id);
)sql"},
    // 3 -> 4: the overlap check of a booking looks up the one active
    // reservation of the machine that starts last before the new one ends
    // (Transaction::FindClash), instead of reading every one still ahead.
    {R"sql(
CREATE INDEX reservations_active_by_machine_start
  ON reservations(machine_id, start_at) WHERE state IN (1, 2);
)sql"},
    // 4 -> 5: text that reached the database without a UTF-8 check (a
    // preflight message quoting a raw G-code byte, a firmware's error) is
    // escaped, so that every answer built from it can be decoded. The audit
    // chain is left as written (its hashes cover the bytes); answers escape
    // it on the way out.
    {"-- repaired in C++: RepairInvalidUtf8", &RepairInvalidUtf8},
    // 5 -> 6: failed logins per name typed, known or not (users.failed_logins
    // and users.locked_until are no longer used).
    {R"sql(
CREATE TABLE login_failures (
  subject TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  locked_until INTEGER NOT NULL,
  last_failure_at INTEGER NOT NULL
);
CREATE INDEX login_failures_by_last ON login_failures(last_failure_at);
)sql"},
    // 6 -> 7: how long a job really ran (held time left out), beside its
    // estimate; NULL until it ends.
    {R"sql(
ALTER TABLE jobs ADD COLUMN run_seconds REAL;
)sql"},
    // 7 -> 8: privacy and visits. Users remember
    // when they were anonymised; audit events carry a seal per personal
    // field (see audit/audit_log.h; werkbankd re-seals older events at
    // start); visits of groups, nobody named.
    {R"sql(
ALTER TABLE users ADD COLUMN anonymised_at INTEGER;
ALTER TABLE audit_events ADD COLUMN seal_salts TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN seal_digests TEXT NOT NULL DEFAULT '';
CREATE TABLE visits (
  id INTEGER PRIMARY KEY,
  start_at INTEGER NOT NULL,
  duration_minutes INTEGER NOT NULL,
  machine_classes TEXT NOT NULL,
  group_type TEXT NOT NULL,
  head_count INTEGER NOT NULL,
  age_bands TEXT NOT NULL,
  genders TEXT,
  first_timers INTEGER NOT NULL,
  topic TEXT NOT NULL,
  reservation_id INTEGER UNIQUE REFERENCES reservations(id),
  recorded_by INTEGER NOT NULL REFERENCES users(id),
  recorded_at INTEGER NOT NULL
);
CREATE INDEX visits_by_start ON visits(start_at);
)sql"},
    // 8 -> 9: personal API keys (slicers), stored as their SHA-256.
    {R"sql(
CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  label TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_keys_by_user ON api_keys(user_id);
)sql"},
    // 9 -> 10: the print service queue. Depends on nothing of 8 -> 9.
    {R"sql(
CREATE TABLE service_requests (
  id INTEGER PRIMARY KEY,
  submitter_id INTEGER NOT NULL REFERENCES users(id),
  machine_class TEXT NOT NULL,
  file_name TEXT NOT NULL,
  note TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  preflight BLOB NOT NULL,
  line_count INTEGER NOT NULL,
  estimated_seconds REAL NOT NULL,
  state INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  decided_at INTEGER,
  decided_by INTEGER NOT NULL DEFAULT 0,
  job_id INTEGER REFERENCES jobs(id),
  decline_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX service_requests_by_submitter
  ON service_requests(submitter_id, state);
CREATE INDEX service_requests_by_state ON service_requests(state, id);
CREATE UNIQUE INDEX service_requests_by_job ON service_requests(job_id)
  WHERE job_id IS NOT NULL;
)sql"},
    // 10 -> 11: webhooks. The outbox holds each event for each endpoint
    // until that endpoint answered 2xx; its id is the delivery's id (never
    // reused: AUTOINCREMENT), its body the payload without that id. The
    // reminders remember which reservation each endpoint was reminded of.
    {R"sql(
CREATE TABLE webhook_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint TEXT NOT NULL,
  event TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL
);
CREATE INDEX webhook_outbox_by_endpoint ON webhook_outbox(endpoint, id);
CREATE TABLE webhook_reminders (
  endpoint TEXT NOT NULL,
  reservation_id INTEGER NOT NULL,
  reminded_at INTEGER NOT NULL,
  PRIMARY KEY (endpoint, reservation_id)
);
)sql"},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

}  // namespace werkbank::store
