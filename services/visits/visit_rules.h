// SPDX-License-Identifier: EUPL-1.2
// What a visit record must satisfy: known group type and machine classes,
// sane duration, and head-counts that add up. Messages say what is wrong
// with which numbers.
#ifndef WERKBANK_SERVICES_VISITS_VISIT_RULES_H_
#define WERKBANK_SERVICES_VISITS_VISIT_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/store/records.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::visits {

// privacy.group_types, or the defaults: school_class, club, citizens,
// city_staff, other.
std::vector<std::string> GroupTypes(const v1::Config& config);

// INVALID_ARGUMENT naming the field and the valid values, or OK.
absl::Status CheckVisit(const store::VisitRecord& visit,
                        const v1::Config& config);

}  // namespace werkbank::visits

#endif  // WERKBANK_SERVICES_VISITS_VISIT_RULES_H_
