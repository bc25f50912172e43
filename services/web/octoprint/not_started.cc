// SPDX-License-Identifier: EUPL-1.2
// Why an upload did not start, and what to do; see not_started.h.
#include "not_started.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace werkbank::web::octoprint {
namespace {

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// The person's active reservation of the machine that covers `now`.
const v1::Reservation* Current(const v1::ListReservationsResponse* list,
                               const std::string& machine_id, absl::Time now) {
  if (list == nullptr) return nullptr;
  for (const auto& r : list->reservations()) {
    if (r.machine_id() != machine_id) continue;
    if (r.state() != v1::RESERVATION_STATE_BOOKED &&
        r.state() != v1::RESERVATION_STATE_CHECKED_IN) {
      continue;
    }
    if (FromTimestamp(r.time().start()) <= now &&
        now < FromTimestamp(r.time().end())) {
      return &r;
    }
  }
  return nullptr;
}

bool TrainerOrStaff(const v1::User* me) {
  if (me == nullptr) return false;
  for (int r : me->roles()) {
    if (r == v1::ROLE_TRAINER || r == v1::ROLE_STAFF) return true;
  }
  return false;
}

// nullopt: not known.
std::optional<bool> Qualified(const StartContext& c) {
  if (c.machine == nullptr || c.qualifications == nullptr) return std::nullopt;
  for (const auto& q : c.qualifications->qualifications()) {
    if (q.valid() && q.machine_class() == c.machine->machine_class()) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string NotStartedSentence(int64_t job, const std::string& m,
                               const grpc::Status& refusal,
                               const StartContext& c) {
  const std::string head =
      absl::StrCat("uploaded as job ", job, " to ", m, ", not started: ");
  const std::string start_it = absl::StrCat(
      "start job ", job, " at the machine (`werkbank job start ", job, "`)");
  if (absl::StrContains(refusal.error_message(),
                        "never starts from a slicer")) {
    return absl::StrCat("uploaded as job ", job, " to ", m,
                        " and kept for you: a laser never starts from a "
                        "slicer, someone must be at it — ",
                        start_it);
  }
  const v1::Reservation* r = Current(c.reservations, m, c.now);
  if (r == nullptr && !TrainerOrStaff(c.me) &&
      Qualified(c).value_or(true) == false) {
    return absl::StrCat(head, "you are not briefed on ", m, " (class ",
                        c.machine->machine_class(),
                        ") yet — ask a trainer for a briefing, then book ", m,
                        ", check in and ", start_it);
  }
  if (r == nullptr && c.reservations != nullptr) {
    return absl::StrCat(head, "you have no reservation of ", m,
                        " now — book it, check in, then ", start_it);
  }
  if (r != nullptr && r->state() == v1::RESERVATION_STATE_BOOKED) {
    return absl::StrCat(head, "your reservation ", r->id(), " of ", m,
                        " is not checked in — check in (`werkbank checkin ",
                        r->id(), "`), unlock ", m, ", then ", start_it);
  }
  if (c.machine != nullptr && c.machine->state() == v1::MACHINE_STATE_LOCKED) {
    return absl::StrCat(head, m, " is locked — unlock it (`werkbank unlock ", m,
                        "`), then ", start_it, " or send it again");
  }
  return absl::StrCat(head, refusal.error_message(), " — ", start_it,
                      " once that is resolved");
}

}  // namespace werkbank::web::octoprint
