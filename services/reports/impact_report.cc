// SPDX-License-Identifier: EUPL-1.2
// The funders' report; see impact_report.h.
#include "impact_report.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/common/validate.h"
#include "services/visits/visit_rules.h"

namespace werkbank::reports {
namespace {

constexpr const char* kAgeBands[] = {"under_12",  "age_12_17",   "age_18_29",
                                     "age_30_54", "age_55_plus", "not_stated"};

// A grid of head-counts (the value is the number of people) with totals.
Grid HeadCounts(std::string name, std::vector<std::string> rows,
                std::vector<std::string> columns, bool two_d,
                const std::map<std::pair<size_t, size_t>, double>& values) {
  Grid g;
  g.name = std::move(name);
  g.row_keys = std::move(rows);
  g.column_keys = std::move(columns);
  g.row_keys.push_back("total");
  if (two_d) g.column_keys.push_back("total");
  g.total_row = true;
  g.total_column = two_d;
  const size_t nr = g.row_keys.size(), nc = g.column_keys.size();
  g.cells.assign(nr, std::vector<Cell>(nc));
  for (const auto& [rc, v] : values) {
    g.cells[rc.first][rc.second].value += v;
    if (two_d) g.cells[rc.first][nc - 1].value += v;
    g.cells[nr - 1][rc.second].value += v;
    if (two_d) g.cells[nr - 1][nc - 1].value += v;
  }
  for (auto& row : g.cells) {
    for (Cell& c : row) c.people = static_cast<int64_t>(c.value);
  }
  return g;
}

size_t IndexOf(std::vector<std::string>& keys, const std::string& key) {
  auto it = std::find(keys.begin(), keys.end(), key);
  if (it != keys.end()) return it - keys.begin();
  keys.push_back(key);  // a group type no longer in the config
  return keys.size() - 1;
}

absl::Status CheckRange(absl::Time from, absl::Time to) {
  if (auto s = validate::Instant("from", from); !s.ok()) return s;
  if (auto s = validate::Instant("to", to); !s.ok()) return s;
  if (to <= from) {
    return absl::InvalidArgumentError(
        "the report range must end after it starts");
  }
  if (to - from > absl::Hours(24 * 400)) {
    return absl::InvalidArgumentError("a report covers at most 400 days");
  }
  return absl::OkStatus();
}

}  // namespace

ImpactReports::ImpactReports(store::Store& store, const Clock& clock,
                             const v1::Config& config)
    : store_(store), clock_(clock), config_(config) {}

int ImpactReports::min_group_size() const {
  return config_.privacy().has_min_group_size()
             ? config_.privacy().min_group_size()
             : 5;
}

absl::StatusOr<ImpactReport> ImpactReports::Year(const access::Actor& actor,
                                                 int year) {
  if (year < 2000 || year > 2199) {
    return absl::InvalidArgumentError(
        absl::StrCat("year must be 2000 to 2199, not ", year));
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(config_.time_zone(), &zone)) {
    zone = absl::UTCTimeZone();
  }
  return Report(actor, absl::FromCivil(absl::CivilYear(year), zone),
                absl::FromCivil(absl::CivilYear(year + 1), zone));
}

absl::StatusOr<ImpactReport> ImpactReports::Report(const access::Actor& actor,
                                                   absl::Time from,
                                                   absl::Time to) {
  if (!actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError("reports are for trainers and staff");
  }
  if (auto s = CheckRange(from, to); !s.ok()) return s;
  std::vector<store::VisitRecord> visits;
  std::vector<store::ReservationRecord> reservations;
  std::vector<store::QualificationRecord> qualifications;
  struct ServiceJob {
    int64_t submitter_id;
    store::JobRecord job;
  };
  std::vector<ServiceJob> service_jobs;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto v = tx.ListVisits(from, to);
    if (!v.ok()) return v.status();
    visits = std::move(*v);
    store::ReservationFilter f;
    f.from = from;
    f.to = to;
    f.active_only = false;
    auto r = tx.ListReservations(f);
    if (!r.ok()) return r.status();
    reservations = std::move(*r);
    auto q = tx.ListQualifications(std::nullopt);
    if (!q.ok()) return q.status();
    qualifications = std::move(*q);
    store::ServiceRequestFilter started;
    started.state = store::ServiceRequestState::kStarted;
    started.limit = 1 << 30;
    auto requests = tx.ListServiceRequests(started);
    if (!requests.ok()) return requests.status();
    for (const auto& r : *requests) {
      auto job = tx.FindJob(r.job_id);
      if (!job.ok()) return job.status();
      if (*job) service_jobs.push_back({r.submitter_id, **job});
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;

  absl::TimeZone zone;
  if (!absl::LoadTimeZone(config_.time_zone(), &zone)) {
    zone = absl::UTCTimeZone();
  }
  ImpactReport report;
  report.from = from;
  report.to = to;
  report.min_group_size = min_group_size();

  std::vector<std::string> months;
  for (absl::CivilMonth m = absl::ToCivilMonth(from, zone);
       absl::FromCivil(m, zone) < to; ++m) {
    months.push_back(absl::FormatCivilTime(m).substr(0, 7));
  }
  std::vector<std::string> groups = visits::GroupTypes(config_);
  std::map<std::pair<size_t, size_t>, double> by_month, by_age, by_gender,
      by_first;
  std::map<size_t, std::pair<int, double>> by_group;  // visits, people
  for (const store::VisitRecord& v : visits) {
    const size_t g = IndexOf(groups, v.group_type);
    const std::string month =
        absl::FormatCivilTime(absl::ToCivilMonth(v.start, zone)).substr(0, 7);
    by_month[{g, IndexOf(months, month)}] += v.head_count;
    by_group[g].first += 1;
    by_group[g].second += v.head_count;
    for (size_t a = 0; a < 6; ++a) by_age[{a, g}] += v.age_bands[a];
    int recorded = 0;
    if (v.genders) {
      for (size_t i = 0; i < 4; ++i) {
        by_gender[{i, 0}] += (*v.genders)[i];
        recorded += (*v.genders)[i];
      }
    }
    by_gender[{4, 0}] += v.head_count - recorded;
    by_first[{0, 0}] += v.first_timers;
    by_first[{1, 0}] += v.head_count - v.first_timers;
  }

  Grid t_month =
      HeadCounts("people_by_group_and_month", groups, months, true, by_month);
  Grid t_age = HeadCounts("people_by_age_band",
                          {std::begin(kAgeBands), std::end(kAgeBands)}, groups,
                          true, by_age);
  Grid t_gender =
      HeadCounts("people_by_gender",
                 {"female", "male", "diverse", "not_stated", "not_recorded"},
                 {"people"}, false, by_gender);
  Grid t_first = HeadCounts("first_time", {"first_visit", "returning"},
                            {"people"}, false, by_first);

  Grid t_group;
  t_group.name = "visits_by_group";
  t_group.row_keys = groups;
  t_group.row_keys.push_back("total");
  t_group.column_keys = {"visits", "people"};
  t_group.total_row = true;
  t_group.cells.assign(t_group.row_keys.size(), std::vector<Cell>(2));
  for (auto& [g, vp] : by_group) {
    for (size_t row : {g, t_group.row_keys.size() - 1}) {
      t_group.cells[row][0].value += vp.first;
      t_group.cells[row][1].value += vp.second;
    }
  }
  for (auto& row : t_group.cells) {
    row[0].protect = false;  // a number of visits is about no one
    row[1].people = static_cast<int64_t>(row[1].value);
  }

  // Machine hours by purpose: the booked time of reservations that took
  // place, within the range; the people are the owners and participants.
  // The time a print service job ran counts as print service, for the
  // people who asked for it, and is taken out of the reservation it ran in.
  enum Row : size_t { kPersonal, kWorkshop, kService, kMaintenance, kTotal };
  Grid t_hours;
  t_hours.name = "machine_hours_by_purpose";
  t_hours.row_keys = {"personal", "workshop", "print_service", "maintenance",
                      "total"};
  t_hours.column_keys = {"hours", "people"};
  t_hours.total_row = true;
  t_hours.cells.assign(5, std::vector<Cell>(2));
  std::set<int64_t> people[5];
  const absl::Time now = clock_.Now();
  auto row_of = [](const store::ReservationRecord& r) -> size_t {
    return r.kind == store::ReservationKind::kPersonal   ? kPersonal
           : r.kind == store::ReservationKind::kWorkshop ? kWorkshop
                                                         : kMaintenance;
  };
  auto took_place = [&](const store::ReservationRecord& r) {
    return r.state != store::ReservationState::kCancelled &&
           r.state != store::ReservationState::kNoShow && r.start < now;
  };
  for (const store::ReservationRecord& r : reservations) {
    if (!took_place(r)) continue;
    const double hours =
        absl::ToDoubleHours(std::min(r.end, to) - std::max(r.start, from));
    if (hours <= 0) continue;
    const size_t row = row_of(r);
    t_hours.cells[row][0].value += hours;
    t_hours.cells[kTotal][0].value += hours;
    people[row].insert(r.owner_id);
    if (row != kMaintenance) people[kTotal].insert(r.owner_id);
    for (int64_t p : r.participant_ids) {
      people[row].insert(p);
      if (row != kMaintenance) people[kTotal].insert(p);
    }
  }
  for (const ServiceJob& sj : service_jobs) {
    const store::JobRecord& j = sj.job;
    if (!j.started_at || !j.finished_at) continue;
    const absl::Time start = std::max(*j.started_at, from);
    const absl::Time end = std::min(*j.finished_at, to);
    if (end <= start) continue;
    double hours = absl::ToDoubleHours(end - start);
    if (j.run_seconds) hours = std::min(hours, *j.run_seconds / 3600.0);
    t_hours.cells[kService][0].value += hours;
    people[kService].insert(sj.submitter_id);
    people[kTotal].insert(sj.submitter_id);
    // The reservation it ran in loses those hours; without one (a staff
    // unlock) they add to the total.
    bool inside = false;
    for (const store::ReservationRecord& r : reservations) {
      if (r.machine_id != j.machine_id || !took_place(r) ||
          *j.started_at < r.start || *j.started_at >= r.end) {
        continue;
      }
      const size_t row = row_of(r);
      t_hours.cells[row][0].value =
          std::max(0.0, t_hours.cells[row][0].value - hours);
      inside = true;
      break;
    }
    if (!inside) t_hours.cells[kTotal][0].value += hours;
  }
  for (size_t row = 0; row < 5; ++row) {
    for (Cell& c : t_hours.cells[row]) {
      c.people = static_cast<int64_t>(people[row].size());
      // Maintenance is the machines' time, not people's.
      c.protect = row != kMaintenance;
    }
    t_hours.cells[row][1].value = static_cast<double>(people[row].size());
  }

  // Qualifications granted per machine class: people qualified.
  std::vector<std::string> classes;
  for (const auto& c : config_.machine_classes()) classes.push_back(c.name());
  std::map<size_t, std::set<int64_t>> qualified;
  std::set<int64_t> all_qualified;
  for (const store::QualificationRecord& q : qualifications) {
    if (q.granted_at < from || q.granted_at >= to) continue;
    qualified[IndexOf(classes, q.machine_class)].insert(q.user_id);
    all_qualified.insert(q.user_id);
  }
  Grid t_quals;
  t_quals.name = "qualifications_by_class";
  t_quals.row_keys = classes;
  t_quals.row_keys.push_back("total");
  t_quals.column_keys = {"people"};
  t_quals.total_row = true;
  t_quals.cells.assign(t_quals.row_keys.size(), std::vector<Cell>(1));
  for (auto& [c, users] : qualified) {
    t_quals.cells[c][0].value = static_cast<double>(users.size());
  }
  t_quals.cells.back()[0].value = static_cast<double>(all_qualified.size());
  for (auto& row : t_quals.cells) {
    row[0].people = static_cast<int64_t>(row[0].value);
  }

  // The same figures in several tables are suppressed together.
  const size_t ng = groups.size();
  std::vector<std::vector<CellRef>> links;
  for (size_t g = 0; g < ng; ++g) {
    links.push_back({{&t_month, g, t_month.column_keys.size() - 1},
                     {&t_group, g, 1},
                     {&t_age, t_age.row_keys.size() - 1, g}});
  }
  links.push_back(
      {{&t_month, t_month.row_keys.size() - 1, t_month.column_keys.size() - 1},
       {&t_group, t_group.row_keys.size() - 1, 1},
       {&t_age, t_age.row_keys.size() - 1, t_age.column_keys.size() - 1},
       {&t_gender, t_gender.row_keys.size() - 1, 0},
       {&t_first, t_first.row_keys.size() - 1, 0}});
  SuppressAll(
      {&t_month, &t_group, &t_age, &t_gender, &t_first, &t_hours, &t_quals},
      links, report.min_group_size);

  report.tables = {t_group, t_month, t_age,  t_gender,
                   t_first, t_hours, t_quals};
  report.workshops = std::move(visits);
  return report;
}

}  // namespace werkbank::reports
