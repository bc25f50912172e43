// SPDX-License-Identifier: EUPL-1.2
// Recording visits; see visit_log.h.
#include "visit_log.h"

#include "absl/strings/str_cat.h"
#include "services/audit/audit_log.h"
#include "services/config/lookup.h"
#include "visit_rules.h"

namespace werkbank::visits {
namespace {

absl::Status RequireTrainerOrStaff(const access::Actor& actor) {
  if (actor.IsTrainerOrStaff()) return absl::OkStatus();
  return absl::PermissionDeniedError("only trainers and staff record visits");
}

}  // namespace

VisitLog::VisitLog(store::Store& store, const Clock& clock,
                   const v1::Config& config)
    : store_(store), clock_(clock), config_(config) {}

absl::StatusOr<store::VisitRecord> VisitLog::Insert(const access::Actor& actor,
                                                    store::Transaction& tx,
                                                    store::VisitRecord v) {
  v.recorded_by = actor.user_id;
  v.recorded_at = clock_.Now();
  if (auto s = CheckVisit(v, config_); !s.ok()) return s;
  auto id = tx.InsertVisit(v);
  if (!id.ok()) return id.status();
  v.id = *id;
  auto e = audit::Append(
      tx,
      {actor.login, "visit.record", absl::StrCat("visit/", v.id),
       absl::StrCat(v.group_type, ", ", v.head_count, " people, ",
                    v.duration_minutes, " min",
                    v.reservation_id
                        ? absl::StrCat(", from reservation ", *v.reservation_id)
                        : "")},
      clock_.Now());
  if (!e.ok()) return e.status();
  return v;
}

absl::StatusOr<store::VisitRecord> VisitLog::Record(const access::Actor& actor,
                                                    store::VisitRecord visit) {
  if (auto s = RequireTrainerOrStaff(actor); !s.ok()) return s;
  visit.reservation_id.reset();
  store::VisitRecord out;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto v = Insert(actor, tx, visit);
    if (!v.ok()) return v.status();
    out = std::move(*v);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<store::VisitRecord> VisitLog::RecordFromReservation(
    const access::Actor& actor, const FromReservation& req) {
  if (auto s = RequireTrainerOrStaff(actor); !s.ok()) return s;
  store::VisitRecord out;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto r = tx.FindReservation(req.reservation_id);
    if (!r.ok()) return r.status();
    if (!*r) {
      return absl::NotFoundError(
          absl::StrCat("no reservation ", req.reservation_id));
    }
    const store::ReservationRecord& res = **r;
    if (res.kind != store::ReservationKind::kWorkshop) {
      return absl::FailedPreconditionError(
          absl::StrCat("reservation ", res.id,
                       " is not a workshop; record the visit with "
                       "`werkbank visit record`"));
    }
    if (res.state == store::ReservationState::kCancelled) {
      return absl::FailedPreconditionError(
          absl::StrCat("reservation ", res.id, " was cancelled"));
    }
    auto existing = tx.FindVisitOfReservation(res.id);
    if (!existing.ok()) return existing.status();
    if (*existing) {
      return absl::AlreadyExistsError(absl::StrCat(
          "reservation ", res.id, " is already visit ", (*existing)->id));
    }
    store::VisitRecord v;
    v.start = res.start;
    v.duration_minutes =
        static_cast<int>(absl::ToInt64Minutes(res.end - res.start));
    if (const auto* m = config::FindMachine(config_, res.machine_id)) {
      v.machine_classes = {m->machine_class()};
    }
    v.group_type = req.group_type;
    v.head_count = req.head_count > 0
                       ? req.head_count
                       : static_cast<int>(res.participant_ids.size()) + 1;
    if (req.age_bands) {
      v.age_bands = *req.age_bands;
    } else {
      v.age_bands[5] = v.head_count;
    }
    v.genders = req.genders;
    v.first_timers = req.first_timers;
    v.topic = req.topic.empty() ? res.note : req.topic;
    v.reservation_id = res.id;
    auto stored = Insert(actor, tx, std::move(v));
    if (!stored.ok()) return stored.status();
    out = std::move(*stored);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<store::VisitRecord>> VisitLog::List(
    const access::Actor& actor, absl::Time from, absl::Time to) {
  if (auto s = RequireTrainerOrStaff(actor); !s.ok()) return s;
  std::vector<store::VisitRecord> out;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto v = tx.ListVisits(from, to);
    if (!v.ok()) return v.status();
    out = std::move(*v);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status VisitLog::Delete(const access::Actor& actor, int64_t id,
                              const std::string& reason) {
  if (auto s = RequireTrainerOrStaff(actor); !s.ok()) return s;
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto v = tx.FindVisit(id);
    if (!v.ok()) return v.status();
    if (!*v) return absl::NotFoundError(absl::StrCat("no visit ", id));
    if (!actor.IsStaff() && (*v)->recorded_by != actor.user_id) {
      return absl::PermissionDeniedError(
          "only staff or the trainer who recorded it delete a visit");
    }
    if (auto s = tx.DeleteVisit(id); !s.ok()) return s;
    return audit::Append(
               tx,
               {actor.login, "visit.delete", absl::StrCat("visit/", id),
                reason.empty() ? "deleted" : reason},
               clock_.Now())
        .status();
  });
}

}  // namespace werkbank::visits
