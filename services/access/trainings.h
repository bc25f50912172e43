// SPDX-License-Identifier: EUPL-1.2
// Trainings: briefings recorded by trainers, and the qualifications they
// grant. A qualification counts from its grant until it expires or is revoked,
// and stops counting at that instant.
//
// Thread-safe: all state is in the Store.
#ifndef WERKBANK_SERVICES_ACCESS_TRAININGS_H_
#define WERKBANK_SERVICES_ACCESS_TRAININGS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "actor.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::access {

struct BriefingView {
  store::BriefingRecord record;
  std::string trainer_login;
  std::vector<std::string> participant_logins;
};

struct QualificationView {
  store::QualificationRecord record;
  std::string login;
  std::string granted_by_login;
  bool valid = false;
};

struct NewBriefing {
  std::string machine_class;
  std::optional<absl::Time> held_at;  // unset: now
  std::vector<std::string> participant_logins;
  std::string note;
};

class Trainings {
 public:
  Trainings(store::Store& store, const Clock& clock, const v1::Config& config);

  // Trainers and staff. Every participant must exist and not be disabled.
  absl::StatusOr<BriefingView> RecordBriefing(const Actor& actor,
                                              const NewBriefing& briefing);
  absl::StatusOr<std::vector<BriefingView>> ListBriefings(
      const Actor& actor, const std::string& machine_class);
  // Participants see their own; trainers and staff anyone's (empty login:
  // everybody's).
  absl::StatusOr<std::vector<QualificationView>> ListQualifications(
      const Actor& actor, const std::string& login, bool include_invalid);
  // Staff, or the trainer who granted it. A reason is required.
  absl::StatusOr<QualificationView> RevokeQualification(
      const Actor& actor, int64_t id, const std::string& reason);

 private:
  store::Store& store_;
  const Clock& clock_;
  const v1::Config& config_;
};

// Whether `q` counts at instant `at`.
bool IsValidAt(const store::QualificationRecord& q, absl::Time at);

// OK when `user_id` holds a valid qualification for `machine_class` at `at`;
// otherwise FAILED_PRECONDITION saying whether it is missing, expired or
// revoked.
absl::Status CheckQualified(store::Transaction& tx, int64_t user_id,
                            const std::string& machine_class, absl::Time at);

}  // namespace werkbank::access

#endif  // WERKBANK_SERVICES_ACCESS_TRAININGS_H_
