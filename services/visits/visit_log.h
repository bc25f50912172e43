// SPDX-License-Identifier: EUPL-1.2
// Visits and workshops of groups, recorded by trainers and staff: who came
// as numbers, never as names. A booked workshop turns into a visit in one
// step. Every change is in the audit log.
//
// Thread-safe: every change runs in one Store::Write().
#ifndef WERKBANK_SERVICES_VISITS_VISIT_LOG_H_
#define WERKBANK_SERVICES_VISITS_VISIT_LOG_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/access/actor.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::visits {

// What a visit made from a workshop booking adds to it.
struct FromReservation {
  int64_t reservation_id = 0;
  std::string group_type;
  int head_count = 0;  // 0: the participants and the trainer who booked it
  std::optional<std::array<int, 6>> age_bands;  // unset: all "not stated"
  std::optional<std::array<int, 4>> genders;
  int first_timers = 0;
  std::string topic;  // empty: the booking's note
};

class VisitLog {
 public:
  VisitLog(store::Store& store, const Clock& clock, const v1::Config& config);

  // Trainers and staff. Returns the stored visit.
  absl::StatusOr<store::VisitRecord> Record(const access::Actor& actor,
                                            store::VisitRecord visit);
  // Trainers and staff: a workshop booking (not cancelled) becomes a visit
  // once; ALREADY_EXISTS the second time.
  absl::StatusOr<store::VisitRecord> RecordFromReservation(
      const access::Actor& actor, const FromReservation& request);
  absl::StatusOr<std::vector<store::VisitRecord>> List(
      const access::Actor& actor, absl::Time from, absl::Time to);
  // Staff, or the trainer who recorded it.
  absl::Status Delete(const access::Actor& actor, int64_t id,
                      const std::string& reason);

 private:
  absl::StatusOr<store::VisitRecord> Insert(const access::Actor& actor,
                                            store::Transaction& tx,
                                            store::VisitRecord visit);

  store::Store& store_;
  const Clock& clock_;
  const v1::Config& config_;
};

}  // namespace werkbank::visits

#endif  // WERKBANK_SERVICES_VISITS_VISIT_LOG_H_
