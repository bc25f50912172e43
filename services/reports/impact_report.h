// SPDX-License-Identifier: EUPL-1.2
// The yearly report for funders: visits and people reached per group type,
// age band and month, the first-time share, gender (the ESF+ participant
// categories the lab records), workshops held and their topics, machine
// hours by purpose and qualifications granted. Aggregates only, each table
// protected by suppression.h with privacy.min_group_size (default 5).
#ifndef WERKBANK_SERVICES_REPORTS_IMPACT_REPORT_H_
#define WERKBANK_SERVICES_REPORTS_IMPACT_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/access/actor.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "suppression.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::reports {

struct ImpactReport {
  absl::Time from;
  absl::Time to;
  int min_group_size = 5;
  std::vector<Grid> tables;
  std::vector<store::VisitRecord> workshops;  // date, group, topic; no counts
};

class ImpactReports {
 public:
  ImpactReports(store::Store& store, const Clock& clock,
                const v1::Config& config);

  // Trainers and staff. [from, to) at most 400 days.
  absl::StatusOr<ImpactReport> Report(const access::Actor& actor,
                                      absl::Time from, absl::Time to);
  // The calendar year in the lab's time zone.
  absl::StatusOr<ImpactReport> Year(const access::Actor& actor, int year);

  int min_group_size() const;

 private:
  store::Store& store_;
  const Clock& clock_;
  const v1::Config& config_;
};

}  // namespace werkbank::reports

#endif  // WERKBANK_SERVICES_REPORTS_IMPACT_REPORT_H_
