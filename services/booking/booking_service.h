// SPDX-License-Identifier: EUPL-1.2
// Bookings: availability, reservations and their life cycle
// (booked -> checked-in -> completed | cancelled | no-show), under the rules
// of each machine class from config.
//
// Two active reservations of one machine never overlap: the check and the
// insert run in one serialized write transaction.
//
// Thread-safe: all state is in the Store.
#ifndef WERKBANK_SERVICES_BOOKING_BOOKING_SERVICE_H_
#define WERKBANK_SERVICES_BOOKING_BOOKING_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "opening_hours.h"
#include "services/access/actor.h"
#include "services/common/clock.h"
#include "services/store/store.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::booking {

struct ReservationView {
  store::ReservationRecord record;
  std::string owner_login;
  std::vector<std::string> participant_logins;
};

struct NewReservation {
  std::string machine_id;     // one machine ...
  std::string machine_class;  // ... or, for maintenance, all of a class
  store::ReservationKind kind = store::ReservationKind::kPersonal;
  absl::Time start;
  absl::Time end;
  std::vector<std::string> participant_logins;  // workshops
  std::string note;
};

struct ListQuery {
  std::string machine_id;
  absl::Time from;
  absl::Time to = absl::InfiniteFuture();
  bool all_users = false;
  bool include_inactive = false;
};

class BookingService {
 public:
  BookingService(store::Store& store, const Clock& clock,
                 const v1::Config& config, const OpeningHours& hours);

  // Free intervals of a machine within [from, to) (at most 31 days): open
  // hours minus active reservations.
  absl::StatusOr<std::vector<Interval>> Availability(
      const access::Actor& actor, const std::string& machine_id,
      absl::Time from, absl::Time to);

  // Personal: anyone qualified (trainers and staff always), within the class
  // rules. Workshop: trainers and staff. Maintenance: staff; with
  // machine_class set, one reservation for every machine of the class.
  absl::StatusOr<std::vector<ReservationView>> Create(
      const access::Actor& actor, const NewReservation& r);

  // The owner until the cancellation deadline; staff at any time.
  absl::StatusOr<ReservationView> Cancel(const access::Actor& actor, int64_t id,
                                         const std::string& reason);

  absl::StatusOr<std::vector<ReservationView>> List(const access::Actor& actor,
                                                    const ListQuery& query);

  // The owner or staff (never a workshop's participants: the trainer opens
  // the workshop), from check_in_early_minutes before the start until the
  // no-show release.
  absl::StatusOr<ReservationView> CheckIn(const access::Actor& actor,
                                          int64_t id);

  // Marks personal reservations not checked in by start + no-show release as
  // no-shows (freeing the slot) and ended reservations as completed. Runs
  // before every booking decision and periodically from the daemon. Returns
  // how many changed.
  absl::StatusOr<int> Sweep();

  const OpeningHours& hours() const { return hours_; }

 private:
  absl::StatusOr<int> SweepIn(store::Transaction& tx, absl::Time now);
  absl::Status CheckRules(const access::Actor& actor, store::Transaction& tx,
                          const NewReservation& r, const std::string& cls,
                          absl::Time now);
  absl::StatusOr<ReservationView> View(store::Transaction& tx,
                                       const store::ReservationRecord& r);

  store::Store& store_;
  const Clock& clock_;
  const v1::Config& config_;
  const OpeningHours& hours_;
};

}  // namespace werkbank::booking

#endif  // WERKBANK_SERVICES_BOOKING_BOOKING_SERVICE_H_
