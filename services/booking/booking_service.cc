// SPDX-License-Identifier: EUPL-1.2
// Reservation rules and life cycle; see booking_service.h.
#include "booking_service.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "services/access/accounts.h"
#include "services/access/trainings.h"
#include "services/audit/audit_log.h"
#include "services/common/validate.h"
#include "services/config/lookup.h"

namespace werkbank::booking {
namespace {

using store::ReservationKind;
using store::ReservationState;

bool IsActive(ReservationState s) {
  return s == ReservationState::kBooked || s == ReservationState::kCheckedIn;
}

const char* KindName(ReservationKind k) {
  switch (k) {
    case ReservationKind::kPersonal:
      return "personal";
    case ReservationKind::kWorkshop:
      return "workshop";
    case ReservationKind::kMaintenance:
      return "maintenance";
  }
  return "?";
}

}  // namespace

BookingService::BookingService(store::Store& store, const Clock& clock,
                               const v1::Config& config,
                               const OpeningHours& hours)
    : store_(store), clock_(clock), config_(config), hours_(hours) {}

absl::StatusOr<ReservationView> BookingService::View(
    store::Transaction& tx, const store::ReservationRecord& r) {
  auto owner = access::LoginsOf(tx, {r.owner_id});
  if (!owner.ok()) return owner.status();
  auto participants = access::LoginsOf(tx, r.participant_ids);
  if (!participants.ok()) return participants.status();
  return ReservationView{r, (*owner)[0], *participants};
}

absl::StatusOr<std::vector<Interval>> BookingService::Availability(
    const access::Actor& actor, const std::string& machine_id, absl::Time from,
    absl::Time to) {
  (void)actor;
  if (config::FindMachine(config_, machine_id) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown machine \"", machine_id.substr(0, 40),
                     "\"; the lab has: ", config::MachineIds(config_)));
  }
  if (auto s = validate::Instant("range start", from); !s.ok()) return s;
  if (auto s = validate::Instant("range end", to); !s.ok()) return s;
  if (to <= from) {
    return absl::InvalidArgumentError("the range must end after it starts");
  }
  if (to - from > absl::Hours(24 * 31)) {
    return absl::InvalidArgumentError("ask for at most 31 days at once");
  }
  std::vector<store::ReservationRecord> busy;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    if (auto n = SweepIn(tx, clock_.Now()); !n.ok()) return n.status();
    auto found = tx.FindOverlapping(machine_id, from, to);
    if (!found.ok()) return found.status();
    busy = std::move(*found);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  std::vector<Interval> free;
  for (Interval open : hours_.OpenIntervals(from, to)) {
    absl::Time cursor = open.first;
    for (const auto& r : busy) {  // sorted by start
      if (r.end <= cursor || r.start >= open.second) continue;
      if (r.start > cursor) free.push_back({cursor, r.start});
      cursor = std::max(cursor, r.end);
    }
    if (cursor < open.second) free.push_back({cursor, open.second});
  }
  return free;
}

absl::Status BookingService::CheckRules(const access::Actor& actor,
                                        store::Transaction& tx,
                                        const NewReservation& r,
                                        const std::string& cls,
                                        absl::Time now) {
  const v1::MachineClassConfig* mc = config::FindClass(config_, cls);
  const v1::BookingRulesConfig& rules = mc->booking();
  const absl::Duration slot = absl::Minutes(rules.slot_minutes());
  if (r.start + slot <= now) {
    return absl::InvalidArgumentError(
        "the reservation would start in the past");
  }
  if (r.start > now + absl::Hours(24) * rules.horizon_days()) {
    return absl::FailedPreconditionError(absl::StrCat(
        cls, " can be booked at most ", rules.horizon_days(), " days ahead"));
  }
  if (hours_.LocalMinuteOfDay(r.start) % rules.slot_minutes() != 0 ||
      hours_.LocalMinuteOfDay(r.end) % rules.slot_minutes() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("start and end must fall on the ", rules.slot_minutes(),
                     "-minute slot grid (e.g. 10:00, 10:",
                     rules.slot_minutes() % 60 == 0
                         ? "00"
                         : absl::StrCat(rules.slot_minutes() % 60),
                     ")"));
  }
  if (!hours_.Covers(r.start, r.end)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the lab is not open for the whole time from ",
        hours_.FormatLocal(r.start), " to ", hours_.FormatLocal(r.end),
        "; see the opening hours in `werkbank lab`"));
  }
  if (r.kind != ReservationKind::kPersonal) return absl::OkStatus();
  if (r.end - r.start > absl::Minutes(rules.max_length_minutes())) {
    return absl::FailedPreconditionError(
        absl::StrCat("a ", cls, " booking may last at most ",
                     rules.max_length_minutes(), " minutes"));
  }
  if (!actor.IsTrainerOrStaff()) {
    if (auto s = access::CheckQualified(tx, actor.user_id, cls, now); !s.ok()) {
      return s;
    }
  }
  std::vector<std::string> class_machines;
  for (const auto& m : config_.machines()) {
    if (m.machine_class() == cls) class_machines.push_back(m.id());
  }
  auto upcoming = tx.CountActiveOwned(actor.user_id, ReservationKind::kPersonal,
                                      now, class_machines);
  if (!upcoming.ok()) return upcoming.status();
  const int64_t count = *upcoming;
  if (count >= rules.max_future_bookings()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "you already have ", count, " upcoming ", cls,
        " bookings, the most allowed; cancel one or wait until one is over"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ReservationView>> BookingService::Create(
    const access::Actor& actor, const NewReservation& r) {
  if (auto s = validate::Instant("start", r.start); !s.ok()) return s;
  if (auto s = validate::Instant("end", r.end); !s.ok()) return s;
  if (r.end <= r.start) {
    return absl::InvalidArgumentError("the end must be after the start");
  }
  if (auto s = validate::Text("note", r.note, 500, false); !s.ok()) return s;
  if (r.kind == ReservationKind::kWorkshop && !actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "only trainers and staff book workshops");
  }
  if (r.kind == ReservationKind::kMaintenance && !actor.IsStaff()) {
    return absl::PermissionDeniedError("only staff book maintenance");
  }
  if (r.kind != ReservationKind::kWorkshop && !r.participant_logins.empty()) {
    return absl::InvalidArgumentError("only workshops have participants");
  }
  if (r.participant_logins.size() > 200) {
    return absl::InvalidArgumentError("at most 200 workshop participants");
  }
  // Which machines.
  std::vector<const v1::MachineConfig*> machines;
  if (!r.machine_class.empty()) {
    if (r.kind != ReservationKind::kMaintenance || !r.machine_id.empty()) {
      return absl::InvalidArgumentError(
          "a whole machine class can only be blocked for maintenance; name "
          "either a machine or a class");
    }
    if (config::FindClass(config_, r.machine_class) == nullptr) {
      return absl::NotFoundError(absl::StrCat(
          "unknown machine class \"", r.machine_class.substr(0, 40),
          "\"; the lab has: ", config::ClassNames(config_)));
    }
    for (const auto& m : config_.machines()) {
      if (m.machine_class() == r.machine_class) machines.push_back(&m);
    }
  } else {
    const v1::MachineConfig* m = config::FindMachine(config_, r.machine_id);
    if (m == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("unknown machine \"", r.machine_id.substr(0, 40),
                       "\"; the lab has: ", config::MachineIds(config_)));
    }
    machines.push_back(m);
  }
  const absl::Time now = clock_.Now();
  std::vector<ReservationView> out;
  // A taken slot is refused and the refusal audited in the same transaction
  // (one commit, not a rolled-back one and another).
  std::string taken;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    if (auto n = SweepIn(tx, now); !n.ok()) return n.status();
    std::vector<int64_t> participant_ids;
    std::set<std::string> seen;
    for (const std::string& login : r.participant_logins) {
      if (!seen.insert(login).second) continue;
      auto u = access::RequireUser(tx, login);
      if (!u.ok()) return u.status();
      participant_ids.push_back(u->id);
    }
    auto blocks = tx.ListMachineBlocks();
    if (!blocks.ok()) return blocks.status();
    // Every machine is checked before any is booked.
    for (const v1::MachineConfig* m : machines) {
      for (const auto& b : *blocks) {
        if (b.machine_id == m->id() &&
            r.kind != ReservationKind::kMaintenance) {
          return absl::FailedPreconditionError(
              absl::StrCat(m->id(), " is blocked for maintenance (", b.reason,
                           ") and cannot be booked"));
        }
      }
      if (r.kind != ReservationKind::kMaintenance) {
        if (auto st = CheckRules(actor, tx, r, m->machine_class(), now);
            !st.ok()) {
          return st;
        }
      }
      auto clash = tx.FindClash(m->id(), r.start, r.end);
      if (!clash.ok()) return clash.status();
      if (*clash) {
        const store::ReservationRecord& c = **clash;
        taken = absl::StrCat(m->id(), " is already booked from ",
                             hours_.FormatLocal(c.start), " to ",
                             hours_.FormatLocal(c.end), "; `werkbank avail ",
                             m->id(), "` shows the free times");
        return audit::Append(tx,
                             {actor.login, "reservation.refused",
                              absl::StrCat("machine/", m->id()), taken},
                             now)
            .status();
      }
    }
    for (const v1::MachineConfig* m : machines) {
      store::ReservationRecord rec;
      rec.machine_id = m->id();
      rec.owner_id = actor.user_id;
      rec.kind = r.kind;
      rec.state = ReservationState::kBooked;
      rec.start = r.start;
      rec.end = r.end;
      rec.note = r.note;
      rec.created_at = now;
      rec.participant_ids = participant_ids;
      auto id = tx.InsertReservation(rec);
      if (!id.ok()) return id.status();
      rec.id = *id;
      auto e = audit::Append(
          tx,
          {actor.login, "reservation.create",
           absl::StrCat("reservation/", rec.id),
           absl::StrCat("machine=", m->id(), " kind=", KindName(r.kind),
                        " start=", absl::FormatTime(rec.start),
                        " end=", absl::FormatTime(rec.end))},
          now);
      if (!e.ok()) return e.status();
      auto v = View(tx, rec);
      if (!v.ok()) return v.status();
      out.push_back(std::move(*v));
    }
    if (out.empty()) {
      return absl::NotFoundError("the class has no machines to block");
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!taken.empty()) return absl::AlreadyExistsError(taken);
  return out;
}

absl::StatusOr<ReservationView> BookingService::Cancel(
    const access::Actor& actor, int64_t id, const std::string& reason) {
  if (auto s = validate::Text("reason", reason, 500, false); !s.ok()) return s;
  const absl::Time now = clock_.Now();
  ReservationView out;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto found = tx.FindReservation(id);
    if (!found.ok()) return found.status();
    if (!*found)
      return absl::NotFoundError(absl::StrCat("no reservation ", id));
    store::ReservationRecord r = **found;
    if (r.owner_id != actor.user_id && !actor.IsStaff()) {
      return absl::PermissionDeniedError(
          "only the person who booked it, or staff, may cancel a reservation");
    }
    if (!IsActive(r.state)) {
      return absl::FailedPreconditionError(
          absl::StrCat("reservation ", id, " is no longer active"));
    }
    if (r.end <= now) {
      return absl::FailedPreconditionError(
          absl::StrCat("reservation ", id, " is already over"));
    }
    const v1::MachineConfig* m = config::FindMachine(config_, r.machine_id);
    if (!actor.IsStaff() && m != nullptr &&
        r.kind == ReservationKind::kPersonal) {
      const int deadline = config::FindClass(config_, m->machine_class())
                               ->booking()
                               .cancel_deadline_minutes();
      if (now > r.start - absl::Minutes(deadline)) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the cancellation deadline (", deadline,
            " minutes before the start) has passed; ask staff to cancel"));
      }
    }
    r.state = ReservationState::kCancelled;
    r.cancel_reason = reason;
    if (auto st = tx.UpdateReservation(r); !st.ok()) return st;
    auto v = View(tx, r);
    if (!v.ok()) return v.status();
    out = std::move(*v);
    return audit::Append(tx,
                         {actor.login, "reservation.cancel",
                          absl::StrCat("reservation/", id),
                          reason.empty() ? "no reason given" : reason},
                         now)
        .status();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<ReservationView>> BookingService::List(
    const access::Actor& actor, const ListQuery& q) {
  if (q.all_users && !actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "only trainers and staff list everybody's bookings");
  }
  if (!q.machine_id.empty() &&
      config::FindMachine(config_, q.machine_id) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown machine \"", q.machine_id.substr(0, 40), "\""));
  }
  std::vector<ReservationView> out;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    if (auto n = SweepIn(tx, clock_.Now()); !n.ok()) return n.status();
    store::ReservationFilter f;
    f.machine_id = q.machine_id;
    f.from = q.from;
    f.to = q.to;
    f.active_only = !q.include_inactive;
    if (!q.all_users) f.user_id = actor.user_id;
    auto rows = tx.ListReservations(f);
    if (!rows.ok()) return rows.status();
    for (const auto& r : *rows) {
      auto v = View(tx, r);
      if (!v.ok()) return v.status();
      out.push_back(std::move(*v));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<ReservationView> BookingService::CheckIn(
    const access::Actor& actor, int64_t id) {
  const absl::Time now = clock_.Now();
  ReservationView out;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    if (auto n = SweepIn(tx, now); !n.ok()) return n.status();
    auto found = tx.FindReservation(id);
    if (!found.ok()) return found.status();
    if (!*found)
      return absl::NotFoundError(absl::StrCat("no reservation ", id));
    store::ReservationRecord r = **found;
    // A workshop's participants are on the booking, but the trainer who
    // booked it is the one who opens it: checking in starts the reservation
    // (and ends the no-show grace) for everybody on it.
    if (r.owner_id != actor.user_id && !actor.IsStaff()) {
      return absl::PermissionDeniedError(
          "only the person who booked it (or staff) may check in");
    }
    if (r.state == ReservationState::kNoShow) {
      return absl::FailedPreconditionError(absl::StrCat(
          "reservation ", id,
          " was released as a no-show because nobody checked in in time"));
    }
    if (r.state == ReservationState::kCheckedIn) {
      return absl::FailedPreconditionError("already checked in");
    }
    if (r.state != ReservationState::kBooked) {
      return absl::FailedPreconditionError(
          absl::StrCat("reservation ", id, " is no longer active"));
    }
    const v1::MachineConfig* m = config::FindMachine(config_, r.machine_id);
    const int early = m ? config::FindClass(config_, m->machine_class())
                              ->booking()
                              .check_in_early_minutes()
                        : 15;
    if (now < r.start - absl::Minutes(early)) {
      return absl::FailedPreconditionError(
          absl::StrCat("check-in opens ", early, " minutes before the start (",
                       hours_.FormatLocal(r.start), ")"));
    }
    r.state = ReservationState::kCheckedIn;
    r.checked_in_at = now;
    if (auto st = tx.UpdateReservation(r); !st.ok()) return st;
    auto v = View(tx, r);
    if (!v.ok()) return v.status();
    out = std::move(*v);
    return audit::Append(tx,
                         {actor.login, "reservation.check_in",
                          absl::StrCat("reservation/", id), ""},
                         now)
        .status();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<int> BookingService::Sweep() {
  int changed = 0;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto n = SweepIn(tx, clock_.Now());
    if (!n.ok()) return n.status();
    changed = *n;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return changed;
}

absl::StatusOr<int> BookingService::SweepIn(store::Transaction& tx,
                                            absl::Time now) {
  auto started = tx.ListActiveStartedBefore(now);
  if (!started.ok()) return started.status();
  int changed = 0;
  for (store::ReservationRecord r : *started) {
    const v1::MachineConfig* m = config::FindMachine(config_, r.machine_id);
    const int release = m ? config::FindClass(config_, m->machine_class())
                                ->booking()
                                .no_show_release_minutes()
                          : 15;
    std::string action;
    // Booked after its start (walk-ins): the grace period runs from booking.
    const absl::Time grace_from = std::max(r.start, r.created_at);
    if (r.kind == ReservationKind::kPersonal &&
        r.state == ReservationState::kBooked &&
        now >= grace_from + absl::Minutes(release)) {
      r.state = ReservationState::kNoShow;
      action = "reservation.no_show";
    } else if (r.end <= now) {
      r.state = ReservationState::kCompleted;
      action = "reservation.complete";
    } else {
      continue;
    }
    if (auto st = tx.UpdateReservation(r); !st.ok()) return st;
    auto e =
        audit::Append(tx,
                      {"system", action, absl::StrCat("reservation/", r.id),
                       action == "reservation.no_show"
                           ? absl::StrCat("not checked in within ", release,
                                          " minutes of the start")
                           : ""},
                      now);
    if (!e.ok()) return e.status();
    ++changed;
  }
  return changed;
}

}  // namespace werkbank::booking
