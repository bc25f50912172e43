// SPDX-License-Identifier: EUPL-1.2
// Usage figures; see usage_report.h.
#include "usage_report.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/audit/audit_log.h"
#include "services/common/validate.h"

namespace werkbank::reports {
namespace {

struct Data {
  std::vector<store::UserRecord> users;
  std::vector<store::ReservationRecord> reservations;  // every state, all time
  std::vector<store::JobRecord> jobs;
  std::vector<store::BriefingRecord> briefings;
};

absl::StatusOr<Data> LoadAll(store::Store& store) {
  Data d;
  auto s = store.Read([&](store::Transaction& tx) -> absl::Status {
    auto users = tx.ListUsers();
    if (!users.ok()) return users.status();
    d.users = std::move(*users);
    store::ReservationFilter all;
    all.active_only = false;
    auto res = tx.ListReservations(all);
    if (!res.ok()) return res.status();
    d.reservations = std::move(*res);
    auto jobs = tx.ListJobs("", 0, 1 << 30);
    if (!jobs.ok()) return jobs.status();
    d.jobs = std::move(*jobs);
    auto briefings = tx.ListBriefings("");
    if (!briefings.ok()) return briefings.status();
    d.briefings = std::move(*briefings);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return d;
}

absl::Status CheckRange(absl::Time from, absl::Time to) {
  if (auto s = validate::Instant("from", from); !s.ok()) return s;
  if (auto s = validate::Instant("to", to); !s.ok()) return s;
  if (to <= from)
    return absl::InvalidArgumentError(
        "the report range must end after it starts");
  if (to - from > absl::Hours(24 * 400)) {
    return absl::InvalidArgumentError("a report covers at most 400 days");
  }
  return absl::OkStatus();
}

bool Used(const store::ReservationRecord& r) {
  return r.state != store::ReservationState::kCancelled &&
         r.state != store::ReservationState::kNoShow;
}

}  // namespace

std::string GroupName(store::UserGroup g) {
  switch (g) {
    case store::UserGroup::kCitizen:
      return "citizen";
    case store::UserGroup::kSchool:
      return "school";
    case store::UserGroup::kClub:
      return "club";
    case store::UserGroup::kBusiness:
      return "business";
    case store::UserGroup::kAdministration:
      return "administration";
    default:
      return "unspecified";
  }
}

UsageReports::UsageReports(store::Store& store, const Clock& clock,
                           const v1::Config& config)
    : store_(store), clock_(clock), config_(config) {}

absl::StatusOr<std::vector<Row>> UsageReports::Report(
    const access::Actor& actor, absl::Time from, absl::Time to) {
  if (!actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError("reports are for trainers and staff");
  }
  if (auto s = CheckRange(from, to); !s.ok()) return s;
  auto data = LoadAll(store_);
  if (!data.ok()) return data.status();
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(config_.time_zone(), &zone))
    zone = absl::UTCTimeZone();
  const absl::Time now = clock_.Now();
  auto month = [&](absl::Time t) { return absl::FormatTime("%Y-%m", t, zone); };
  std::map<int64_t, const store::UserRecord*> users;
  for (const auto& u : data->users) users[u.id] = &u;
  auto group_of = [&](int64_t id) {
    auto it = users.find(id);
    return it == users.end() ? std::string("unspecified")
                             : GroupName(it->second->group);
  };
  std::map<std::pair<std::string, std::string>, double> sums;
  auto add = [&](const std::string& dim, const std::string& key, double v) {
    sums[{dim, key}] += v;
  };

  for (const auto& j : data->jobs) {
    if (!j.started_at || *j.started_at >= to) continue;
    const absl::Time end = j.finished_at.value_or(now);
    if (end <= from) continue;
    const double hours =
        absl::ToDoubleHours(std::min(end, to) - std::max(*j.started_at, from));
    add("machine_hours", absl::StrCat(j.machine_id, " ", month(*j.started_at)),
        hours);
    add("machine_hours_by_group", group_of(j.owner_id), hours);
  }
  for (const auto& j : data->jobs) {
    if (!j.finished_at || *j.finished_at < from || *j.finished_at >= to)
      continue;
    static const char* kNames[] = {
        "",          "uploaded",  "queued", "running",     "paused",
        "completed", "cancelled", "failed", "interrupted", "rejected"};
    add("jobs", kNames[static_cast<int>(j.state)], 1);
  }
  std::map<int64_t, absl::Time> first_booking;
  for (const auto& r : data->reservations) {
    if (!Used(r) || r.kind == store::ReservationKind::kMaintenance) continue;
    auto [it, inserted] = first_booking.emplace(r.owner_id, r.start);
    if (!inserted) it->second = std::min(it->second, r.start);
  }
  std::set<int64_t> people;
  for (const auto& r : data->reservations) {
    if (r.start < from || r.start >= to ||
        r.kind == store::ReservationKind::kMaintenance)
      continue;
    if (r.state == store::ReservationState::kNoShow)
      add("no_shows", "total", 1);
    if (!Used(r)) continue;
    add("bookings_by_group", group_of(r.owner_id), 1);
    const absl::CivilHour h = absl::ToCivilHour(r.start, zone);
    static const char* kDays[] = {"Mon", "Tue", "Wed", "Thu",
                                  "Fri", "Sat", "Sun"};
    const int day = static_cast<int>(absl::GetWeekday(absl::CivilDay(h)));
    add("bookings_by_weekday_hour",
        absl::StrFormat("%s %02d:00", kDays[day], h.hour()), 1);
    people.insert(r.owner_id);
    for (int64_t p : r.participant_ids) people.insert(p);
  }
  for (int64_t id : people) {
    add("people_by_group", group_of(id), 1);
    auto first = first_booking.find(id);
    const bool returning = first != first_booking.end() && first->second < from;
    add("people", returning ? "returning" : "first-time", 1);
  }
  for (const auto& b : data->briefings) {
    if (b.held_at < from || b.held_at >= to) continue;
    add("briefings", absl::StrCat(b.machine_class, " ", month(b.held_at)), 1);
    add("people_qualified",
        absl::StrCat(b.machine_class, " ", month(b.held_at)),
        static_cast<double>(b.participant_ids.size()));
  }
  std::vector<Row> rows;
  for (const auto& [key, value] : sums)
    rows.push_back({key.first, key.second, value});
  return rows;
}

absl::StatusOr<std::string> UsageReports::PerUserCsv(const access::Actor& actor,
                                                     absl::Time from,
                                                     absl::Time to) {
  if (!actor.IsStaff())
    return absl::PermissionDeniedError("the per-user export is for staff only");
  if (auto s = CheckRange(from, to); !s.ok()) return s;
  auto data = LoadAll(store_);
  if (!data.ok()) return data.status();
  struct PerUser {
    int bookings = 0, no_shows = 0, jobs_completed = 0;
    double job_hours = 0;
  };
  std::map<int64_t, PerUser> per;
  for (const auto& r : data->reservations) {
    if (r.start < from || r.start >= to) continue;
    if (Used(r)) ++per[r.owner_id].bookings;
    if (r.state == store::ReservationState::kNoShow) ++per[r.owner_id].no_shows;
  }
  for (const auto& j : data->jobs) {
    if (!j.started_at || *j.started_at < from || *j.started_at >= to) continue;
    if (j.finished_at)
      per[j.owner_id].job_hours +=
          absl::ToDoubleHours(*j.finished_at - *j.started_at);
    if (j.state == store::JobState::kCompleted)
      ++per[j.owner_id].jobs_completed;
  }
  std::string csv = "login,group,bookings,no_shows,jobs_completed,job_hours\n";
  for (const auto& u : data->users) {
    const PerUser& p = per[u.id];
    absl::StrAppend(&csv, u.login, ",", GroupName(u.group), ",", p.bookings,
                    ",", p.no_shows, ",", p.jobs_completed, ",",
                    absl::StrFormat("%.2f", p.job_hours), "\n");
  }
  auto s = store_.Write([&](store::Transaction& tx) {
    return audit::Append(
               tx,
               {actor.login, "report.per_user_export", "report/users",
                absl::StrCat(
                    data->users.size(), " users, ",
                    absl::FormatTime("%Y-%m-%d", from, absl::UTCTimeZone()),
                    " to ",
                    absl::FormatTime("%Y-%m-%d", to, absl::UTCTimeZone()))},
               clock_.Now())
        .status();
  });
  if (!s.ok()) return s;
  return csv;
}

}  // namespace werkbank::reports
