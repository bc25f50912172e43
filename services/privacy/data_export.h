// SPDX-License-Identifier: EUPL-1.2
// Everything werkbank stores about one person, for them to download (GDPR
// art. 15 and 20). Another person's login is never in it: workshop
// participants and briefing trainers are left out.
#ifndef WERKBANK_SERVICES_PRIVACY_DATA_EXPORT_H_
#define WERKBANK_SERVICES_PRIVACY_DATA_EXPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/access/actor.h"
#include "services/common/clock.h"
#include "services/store/store.h"

namespace werkbank::privacy {

struct PersonalRecords {
  store::UserRecord user;
  absl::Time last_active_at;
  std::vector<store::QualificationRecord> qualifications;
  std::vector<store::ReservationRecord> reservations;
  std::vector<store::JobRecord> jobs;
  std::vector<store::BriefingRecord> briefings_attended;
  std::vector<store::AuditRecord> audit_events;  // those naming them
  std::vector<store::ApiKeyRecord> api_keys;     // revoked ones too
  // A started request's job is among `jobs` (it stays the submitter's).
  std::vector<store::ServiceRequestRecord> service_requests;
};

// Everyone for themselves (`login` empty or their own); staff for anyone.
// The export is recorded in the audit log.
absl::StatusOr<PersonalRecords> ExportPersonalData(store::Store& store,
                                                   const Clock& clock,
                                                   const access::Actor& actor,
                                                   const std::string& login);

}  // namespace werkbank::privacy

#endif  // WERKBANK_SERVICES_PRIVACY_DATA_EXPORT_H_
