// SPDX-License-Identifier: EUPL-1.2
// The SQL for jobs and machine blocks (schema version 2).
#include <SQLiteCpp/Statement.h>

#include "absl/strings/str_cat.h"
#include "sqlite_transaction.h"
#include "sqlite_values.h"

namespace werkbank::store {
namespace {

void BindOptionalDouble(SQLite::Statement& q, int index,
                        std::optional<double> v) {
  if (v) {
    q.bind(index, *v);
  } else {
    q.bind(index);  // NULL
  }
}

constexpr const char* kJobColumns =
    "id, machine_id, owner_id, file_name, sha256, size_bytes, state, "
    "preflight, "
    "line_count, estimated_seconds, created_at, started_at, finished_at, "
    "end_reason, lines_done, run_seconds";

JobRecord ReadJob(SQLite::Statement& q) {
  JobRecord j;
  j.id = q.getColumn(0).getInt64();
  j.machine_id = q.getColumn(1).getString();
  j.owner_id = q.getColumn(2).getInt64();
  j.file_name = q.getColumn(3).getString();
  j.sha256 = q.getColumn(4).getString();
  j.size_bytes = q.getColumn(5).getInt64();
  j.state = static_cast<JobState>(q.getColumn(6).getInt());
  j.preflight = q.getColumn(7).getString();
  j.line_count = q.getColumn(8).getInt64();
  j.estimated_seconds = q.getColumn(9).getDouble();
  j.created_at = FromMicros(q.getColumn(10).getInt64());
  j.started_at = OptionalTime(q, 11);
  j.finished_at = OptionalTime(q, 12);
  j.end_reason = q.getColumn(13).getString();
  j.lines_done = q.getColumn(14).getInt64();
  if (!q.getColumn(15).isNull()) j.run_seconds = q.getColumn(15).getDouble();
  return j;
}

}  // namespace

absl::StatusOr<int64_t> SqliteTransaction::InsertJob(const JobRecord& j) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      absl::StrCat("INSERT INTO jobs (", kJobColumns,
                   ") VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  q.bind(1, j.machine_id);
  q.bind(2, j.owner_id);
  q.bind(3, j.file_name);
  q.bind(4, j.sha256);
  q.bind(5, j.size_bytes);
  q.bind(6, static_cast<int>(j.state));
  q.bind(7, j.preflight.data(), static_cast<int>(j.preflight.size()));
  q.bind(8, j.line_count);
  q.bind(9, j.estimated_seconds);
  q.bind(10, Micros(j.created_at));
  BindOptionalTime(q, 11, j.started_at);
  BindOptionalTime(q, 12, j.finished_at);
  q.bind(13, j.end_reason);
  q.bind(14, j.lines_done);
  BindOptionalDouble(q, 15, j.run_seconds);
  q.exec();
  return db_.getLastInsertRowid();
}

absl::Status SqliteTransaction::UpdateJob(const JobRecord& j) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "UPDATE jobs SET state = ?, started_at = ?, finished_at = ?, "
      "end_reason = ?, lines_done = ?, run_seconds = ? WHERE id = ?");
  q.bind(1, static_cast<int>(j.state));
  BindOptionalTime(q, 2, j.started_at);
  BindOptionalTime(q, 3, j.finished_at);
  q.bind(4, j.end_reason);
  q.bind(5, j.lines_done);
  BindOptionalDouble(q, 6, j.run_seconds);
  q.bind(7, j.id);
  if (q.exec() != 1) return absl::NotFoundError(absl::StrCat("no job ", j.id));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<JobRecord>> SqliteTransaction::FindJob(
    int64_t id) {
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT ", kJobColumns, " FROM jobs WHERE id = ?"));
  q.bind(1, id);
  if (!q.executeStep()) return std::optional<JobRecord>();
  return std::optional<JobRecord>(ReadJob(q));
}

absl::StatusOr<std::vector<JobRecord>> SqliteTransaction::ListJobs(
    const std::string& machine_id, int64_t owner_id, int limit) {
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT ", kJobColumns,
                   " FROM jobs WHERE (? = '' OR machine_id = ?) AND "
                   "(? = 0 OR owner_id = ?) ORDER BY id DESC LIMIT ?"));
  q.bind(1, machine_id);
  q.bind(2, machine_id);
  q.bind(3, owner_id);
  q.bind(4, owner_id);
  q.bind(5, limit);
  std::vector<JobRecord> out;
  while (q.executeStep()) out.push_back(ReadJob(q));
  return out;
}

absl::StatusOr<std::vector<JobRecord>> SqliteTransaction::ListJobsInState(
    JobState state) {
  CachedStatement q = statements_.Prepare(absl::StrCat(
      "SELECT ", kJobColumns, " FROM jobs WHERE state = ? ORDER BY id"));
  q.bind(1, static_cast<int>(state));
  std::vector<JobRecord> out;
  while (q.executeStep()) out.push_back(ReadJob(q));
  return out;
}

absl::Status SqliteTransaction::PutMachineBlock(const MachineBlockRecord& b) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "INSERT OR REPLACE INTO machine_blocks (machine_id, reason, "
      "blocked_by, blocked_at) VALUES (?,?,?,?)");
  q.bind(1, b.machine_id);
  q.bind(2, b.reason);
  q.bind(3, b.blocked_by);
  q.bind(4, Micros(b.blocked_at));
  q.exec();
  return absl::OkStatus();
}

absl::Status SqliteTransaction::DeleteMachineBlock(
    const std::string& machine_id) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q =
      statements_.Prepare("DELETE FROM machine_blocks WHERE machine_id = ?");
  q.bind(1, machine_id);
  q.exec();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<MachineBlockRecord>>
SqliteTransaction::ListMachineBlocks() {
  CachedStatement q = statements_.Prepare(
      "SELECT machine_id, reason, blocked_by, blocked_at FROM machine_blocks "
      "ORDER BY machine_id");
  std::vector<MachineBlockRecord> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                   q.getColumn(2).getInt64(),
                   FromMicros(q.getColumn(3).getInt64())});
  }
  return out;
}

}  // namespace werkbank::store
