// SPDX-License-Identifier: EUPL-1.2
// The lab's impact in figures, for the people who fund it: machine hours,
// jobs, use per user group, briefings and people qualified, first-time and
// returning users, no-shows, and bookings per weekday and hour. Aggregates
// only; the per-user export is for staff and is audited.
#ifndef WERKBANK_SERVICES_REPORTS_USAGE_REPORT_H_
#define WERKBANK_SERVICES_REPORTS_USAGE_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/access/actor.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::reports {

struct Row {
  std::string dimension;  // "machine_hours", "jobs", "bookings_by_group", ...
  std::string key;        // "laser-1 2026-11", "completed", "school", ...
  double value = 0;
};

class UsageReports {
 public:
  UsageReports(store::Store& store, const Clock& clock,
               const v1::Config& config);

  // Trainers and staff. [from, to) at most 400 days.
  absl::StatusOr<std::vector<Row>> Report(const access::Actor& actor,
                                          absl::Time from, absl::Time to);
  // Staff: one CSV line per user; the export is recorded in the audit log.
  absl::StatusOr<std::string> PerUserCsv(const access::Actor& actor,
                                         absl::Time from, absl::Time to);

 private:
  store::Store& store_;
  const Clock& clock_;
  const v1::Config& config_;
};

std::string GroupName(store::UserGroup g);

}  // namespace werkbank::reports

#endif  // WERKBANK_SERVICES_REPORTS_USAGE_REPORT_H_
