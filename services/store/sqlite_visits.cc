// SPDX-License-Identifier: EUPL-1.2
// The SQL for visits of groups (schema 8). Age bands and gender counts are
// stored as comma-separated numbers: they are only ever read whole.
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sqlite_transaction.h"
#include "sqlite_values.h"

namespace werkbank::store {
namespace {

constexpr const char* kVisitColumns =
    "id, start_at, duration_minutes, machine_classes, group_type, head_count, "
    "age_bands, genders, first_timers, topic, reservation_id, recorded_by, "
    "recorded_at";

template <size_t N>
std::array<int, N> ParseCounts(const std::string& text) {
  std::array<int, N> out{};
  size_t i = 0;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    if (i < N && !absl::SimpleAtoi(part, &out[i])) out[i] = 0;
    ++i;
  }
  return out;
}

VisitRecord ReadVisit(SQLite::Statement& q) {
  VisitRecord v;
  v.id = q.getColumn(0).getInt64();
  v.start = FromMicros(q.getColumn(1).getInt64());
  v.duration_minutes = q.getColumn(2).getInt();
  const std::string classes = q.getColumn(3).getString();
  if (!classes.empty()) {
    for (absl::string_view c : absl::StrSplit(classes, ',')) {
      v.machine_classes.emplace_back(c);
    }
  }
  v.group_type = q.getColumn(4).getString();
  v.head_count = q.getColumn(5).getInt();
  v.age_bands = ParseCounts<6>(q.getColumn(6).getString());
  if (!q.getColumn(7).isNull()) {
    v.genders = ParseCounts<4>(q.getColumn(7).getString());
  }
  v.first_timers = q.getColumn(8).getInt();
  v.topic = q.getColumn(9).getString();
  if (!q.getColumn(10).isNull()) v.reservation_id = q.getColumn(10).getInt64();
  v.recorded_by = q.getColumn(11).getInt64();
  v.recorded_at = FromMicros(q.getColumn(12).getInt64());
  return v;
}

}  // namespace

absl::StatusOr<int64_t> SqliteTransaction::InsertVisit(const VisitRecord& v) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare(
      "INSERT INTO visits (start_at, duration_minutes, machine_classes, "
      "group_type, head_count, age_bands, genders, first_timers, topic, "
      "reservation_id, recorded_by, recorded_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  q.bind(1, Micros(v.start));
  q.bind(2, v.duration_minutes);
  q.bind(3, absl::StrJoin(v.machine_classes, ","));
  q.bind(4, v.group_type);
  q.bind(5, v.head_count);
  q.bind(6, absl::StrJoin(v.age_bands, ","));
  if (v.genders) {
    q.bind(7, absl::StrJoin(*v.genders, ","));
  } else {
    q.bind(7);
  }
  q.bind(8, v.first_timers);
  q.bind(9, v.topic);
  if (v.reservation_id) {
    q.bind(10, *v.reservation_id);
  } else {
    q.bind(10);
  }
  q.bind(11, v.recorded_by);
  q.bind(12, Micros(v.recorded_at));
  try {
    q.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
      return absl::AlreadyExistsError(
          "that workshop booking was already recorded as a visit");
    }
    throw;
  }
  return db_.getLastInsertRowid();
}

absl::StatusOr<std::optional<VisitRecord>> SqliteTransaction::FindVisit(
    int64_t id) {
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT ", kVisitColumns, " FROM visits WHERE id=?"));
  q.bind(1, id);
  if (!q.executeStep()) return std::optional<VisitRecord>();
  return std::optional<VisitRecord>(ReadVisit(q));
}

absl::StatusOr<std::optional<VisitRecord>>
SqliteTransaction::FindVisitOfReservation(int64_t reservation_id) {
  CachedStatement q = statements_.Prepare(absl::StrCat(
      "SELECT ", kVisitColumns, " FROM visits WHERE reservation_id=?"));
  q.bind(1, reservation_id);
  if (!q.executeStep()) return std::optional<VisitRecord>();
  return std::optional<VisitRecord>(ReadVisit(q));
}

absl::StatusOr<std::vector<VisitRecord>> SqliteTransaction::ListVisits(
    absl::Time from, absl::Time to) {
  CachedStatement q = statements_.Prepare(
      absl::StrCat("SELECT ", kVisitColumns,
                   " FROM visits WHERE start_at >= ? AND start_at < ? "
                   "ORDER BY start_at, id"));
  q.bind(1, Micros(from));
  q.bind(2, Micros(to));
  std::vector<VisitRecord> out;
  while (q.executeStep()) out.push_back(ReadVisit(q));
  return out;
}

absl::Status SqliteTransaction::DeleteVisit(int64_t id) {
  if (auto s = CheckWritable(); !s.ok()) return s;
  CachedStatement q = statements_.Prepare("DELETE FROM visits WHERE id=?");
  q.bind(1, id);
  if (q.exec() != 1) {
    return absl::NotFoundError(absl::StrCat("no visit with id ", id));
  }
  return absl::OkStatus();
}

}  // namespace werkbank::store
