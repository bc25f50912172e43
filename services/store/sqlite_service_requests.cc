// SPDX-License-Identifier: EUPL-1.2
// The SQL for print service requests (schema version 10).
#include <SQLiteCpp/Statement.h>

#include "absl/strings/str_cat.h"
#include "sqlite_transaction.h"
#include "sqlite_values.h"

namespace werkbank::store {
namespace {

constexpr const char* kColumns =
    "id, submitter_id, machine_class, file_name, note, sha256, size_bytes, "
    "preflight, line_count, estimated_seconds, state, created_at, decided_at, "
    "decided_by, job_id, decline_reason";

ServiceRequestRecord ReadRequest(SQLite::Statement& q) {
  ServiceRequestRecord r;
  r.id = q.getColumn(0).getInt64();
  r.submitter_id = q.getColumn(1).getInt64();
  r.machine_class = q.getColumn(2).getString();
  r.file_name = q.getColumn(3).getString();
  r.note = q.getColumn(4).getString();
  r.sha256 = q.getColumn(5).getString();
  r.size_bytes = q.getColumn(6).getInt64();
  r.preflight = q.getColumn(7).getString();
  r.line_count = q.getColumn(8).getInt64();
  r.estimated_seconds = q.getColumn(9).getDouble();
  r.state = static_cast<ServiceRequestState>(q.getColumn(10).getInt());
  r.created_at = FromMicros(q.getColumn(11).getInt64());
  r.decided_at = OptionalTime(q, 12);
  r.decided_by = q.getColumn(13).getInt64();
  r.job_id = q.getColumn(14).isNull() ? 0 : q.getColumn(14).getInt64();
  r.decline_reason = q.getColumn(15).getString();
  return r;
}

void BindJob(SQLite::Statement& q, int index, int64_t job_id) {
  if (job_id != 0) {
    q.bind(index, job_id);
  } else {
    q.bind(index);  // NULL
  }
}

}  // namespace

absl::StatusOr<int64_t> SqliteTransaction::InsertServiceRequest(
    const ServiceRequestRecord& r) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      absl::StrCat("INSERT INTO service_requests (", kColumns,
                   ") VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  q.bind(1, r.submitter_id);
  q.bind(2, r.machine_class);
  q.bind(3, r.file_name);
  q.bind(4, r.note);
  q.bind(5, r.sha256);
  q.bind(6, r.size_bytes);
  q.bind(7, r.preflight.data(), static_cast<int>(r.preflight.size()));
  q.bind(8, r.line_count);
  q.bind(9, r.estimated_seconds);
  q.bind(10, static_cast<int>(r.state));
  q.bind(11, Micros(r.created_at));
  BindOptionalTime(q, 12, r.decided_at);
  q.bind(13, r.decided_by);
  BindJob(q, 14, r.job_id);
  q.bind(15, r.decline_reason);
  q.exec();
  return db_.getLastInsertRowid();
}

absl::Status SqliteTransaction::UpdateServiceRequest(
    const ServiceRequestRecord& r) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "UPDATE service_requests SET state = ?, decided_at = ?, decided_by = ?, "
      "job_id = ?, decline_reason = ? WHERE id = ?");
  q.bind(1, static_cast<int>(r.state));
  BindOptionalTime(q, 2, r.decided_at);
  q.bind(3, r.decided_by);
  BindJob(q, 4, r.job_id);
  q.bind(5, r.decline_reason);
  q.bind(6, r.id);
  if (q.exec() != 1) {
    return absl::NotFoundError(absl::StrCat("no service request ", r.id));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<ServiceRequestRecord>>
SqliteTransaction::FindServiceRequest(int64_t id) {
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT ", kColumns, " FROM service_requests WHERE id = ?"));
  q.bind(1, id);
  if (!q.executeStep()) return std::optional<ServiceRequestRecord>();
  return std::optional<ServiceRequestRecord>(ReadRequest(q));
}

absl::StatusOr<std::optional<ServiceRequestRecord>>
SqliteTransaction::FindServiceRequestOfJob(int64_t job_id) {
  CachedStatement q = statements_.Prepare(absl::StrCat(
      "SELECT ", kColumns, " FROM service_requests WHERE job_id = ?"));
  q.bind(1, job_id);
  if (!q.executeStep()) return std::optional<ServiceRequestRecord>();
  return std::optional<ServiceRequestRecord>(ReadRequest(q));
}

absl::StatusOr<std::vector<ServiceRequestRecord>>
SqliteTransaction::ListServiceRequests(const ServiceRequestFilter& f) {
  CachedStatement q = statements_.Prepare(absl::StrCat(
      "SELECT ", kColumns,
      " FROM service_requests WHERE (?1 = 0 OR submitter_id = ?1) AND "
      "(?2 = 0 OR state = ?2) AND (?3 = '' OR machine_class = ?3) "
      "ORDER BY id DESC LIMIT ?4"));
  q.bind(1, f.submitter_id);
  q.bind(2, f.state ? static_cast<int>(*f.state) : 0);
  q.bind(3, f.machine_class);
  q.bind(4, f.limit);
  std::vector<ServiceRequestRecord> out;
  while (q.executeStep()) out.push_back(ReadRequest(q));
  return out;
}

}  // namespace werkbank::store
