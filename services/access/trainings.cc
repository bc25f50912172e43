// SPDX-License-Identifier: EUPL-1.2
// Briefings and qualifications; see trainings.h.
#include "trainings.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "accounts.h"
#include "services/audit/audit_log.h"
#include "services/common/validate.h"
#include "services/config/lookup.h"

namespace werkbank::access {
namespace {

absl::StatusOr<QualificationView> ToView(store::Transaction& tx,
                                         const store::QualificationRecord& q,
                                         absl::Time now) {
  auto logins = LoginsOf(tx, {q.user_id, q.granted_by});
  if (!logins.ok()) return logins.status();
  return QualificationView{q, (*logins)[0], (*logins)[1], IsValidAt(q, now)};
}

}  // namespace

bool IsValidAt(const store::QualificationRecord& q, absl::Time at) {
  if (q.revoked_at && *q.revoked_at <= at) return false;
  return q.granted_at <= at && at < q.expires_at;
}

absl::Status CheckQualified(store::Transaction& tx, int64_t user_id,
                            const std::string& machine_class, absl::Time at) {
  auto all = tx.ListQualifications(user_id);
  if (!all.ok()) return all.status();
  const store::QualificationRecord* latest = nullptr;
  for (const auto& q : *all) {
    if (q.machine_class != machine_class) continue;
    if (IsValidAt(q, at)) return absl::OkStatus();
    if (latest == nullptr || q.expires_at > latest->expires_at) latest = &q;
  }
  if (latest == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("not qualified for ", machine_class,
                     ": a trainer must brief you on this machine class first"));
  }
  if (latest->revoked_at) {
    return absl::FailedPreconditionError(absl::StrCat(
        "your qualification for ", machine_class, " was revoked",
        latest->revoke_reason.empty() ? "" : " (" + latest->revoke_reason + ")",
        "; ask a trainer for a new briefing"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "your qualification for ", machine_class, " expired on ",
      absl::FormatTime("%Y-%m-%d", latest->expires_at, absl::UTCTimeZone()),
      "; ask a trainer for a refresher briefing"));
}

Trainings::Trainings(store::Store& store, const Clock& clock,
                     const v1::Config& config)
    : store_(store), clock_(clock), config_(config) {}

absl::StatusOr<BriefingView> Trainings::RecordBriefing(const Actor& actor,
                                                       const NewBriefing& nb) {
  if (!actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "only trainers and staff record briefings");
  }
  const v1::MachineClassConfig* cls =
      config::FindClass(config_, nb.machine_class);
  if (cls == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown machine class \"", nb.machine_class.substr(0, 40),
                     "\"; the lab has: ", config::ClassNames(config_)));
  }
  if (nb.participant_logins.empty()) {
    return absl::InvalidArgumentError("name at least one participant");
  }
  if (nb.participant_logins.size() > 200) {
    return absl::InvalidArgumentError("at most 200 participants per briefing");
  }
  if (auto s = validate::Text("note", nb.note, 1000, false); !s.ok()) return s;
  const absl::Time now = clock_.Now();
  const absl::Time held_at = nb.held_at.value_or(now);
  if (auto s = validate::Instant("held_at", held_at); !s.ok()) return s;
  if (held_at > now + absl::Minutes(5)) {
    return absl::InvalidArgumentError(
        "a briefing can only be recorded once it has taken place");
  }
  if (held_at < now - absl::Hours(24 * 30)) {
    return absl::InvalidArgumentError(
        "a briefing older than 30 days cannot be recorded any more");
  }
  BriefingView view;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    store::BriefingRecord b;
    b.machine_class = nb.machine_class;
    b.trainer_id = actor.user_id;
    b.held_at = held_at;
    b.note = nb.note;
    std::set<std::string> seen;
    for (const std::string& login : nb.participant_logins) {
      if (!seen.insert(login).second) continue;
      auto u = RequireUser(tx, login);
      if (!u.ok()) return u.status();
      if (u->disabled) {
        return absl::FailedPreconditionError(
            absl::StrCat("user \"", login, "\" is disabled"));
      }
      b.participant_ids.push_back(u->id);
      view.participant_logins.push_back(login);
    }
    auto id = tx.InsertBriefing(b);
    if (!id.ok()) return id.status();
    b.id = *id;
    view.record = b;
    view.trainer_login = actor.login;
    auto e = audit::Append(
        tx,
        {actor.login, "briefing.record", absl::StrCat("briefing/", b.id),
         absl::StrCat("class=", b.machine_class,
                      " participants=", view.participant_logins.size())},
        now);
    if (!e.ok()) return e.status();
    const absl::Time expires =
        held_at + absl::Hours(24) * cls->qualification_valid_days();
    for (size_t i = 0; i < b.participant_ids.size(); ++i) {
      store::QualificationRecord q;
      q.user_id = b.participant_ids[i];
      q.machine_class = b.machine_class;
      q.briefing_id = b.id;
      q.granted_by = actor.user_id;
      q.granted_at = held_at;
      q.expires_at = expires;
      auto qid = tx.InsertQualification(q);
      if (!qid.ok()) return qid.status();
      auto qe = audit::Append(
          tx,
          {actor.login, "qualification.grant",
           absl::StrCat("qualification/", *qid),
           absl::StrCat(
               "user=", view.participant_logins[i], " class=", b.machine_class,
               " expires=",
               absl::FormatTime("%Y-%m-%d", expires, absl::UTCTimeZone()))},
          now);
      if (!qe.ok()) return qe.status();
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return view;
}

absl::StatusOr<std::vector<BriefingView>> Trainings::ListBriefings(
    const Actor& actor, const std::string& machine_class) {
  if (!actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "only trainers and staff list briefings");
  }
  std::vector<BriefingView> out;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto all = tx.ListBriefings(machine_class);
    if (!all.ok()) return all.status();
    for (auto& b : *all) {
      auto trainer = LoginsOf(tx, {b.trainer_id});
      if (!trainer.ok()) return trainer.status();
      auto participants = LoginsOf(tx, b.participant_ids);
      if (!participants.ok()) return participants.status();
      out.push_back({b, (*trainer)[0], *participants});
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<QualificationView>> Trainings::ListQualifications(
    const Actor& actor, const std::string& login, bool include_invalid) {
  const bool self =
      login.empty() ? !actor.IsTrainerOrStaff() : login == actor.login;
  if (!self && !actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "you may list your own qualifications only");
  }
  const absl::Time now = clock_.Now();
  std::vector<QualificationView> out;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    std::optional<int64_t> user_id;
    if (self) {
      user_id = actor.user_id;
    } else if (!login.empty()) {
      auto u = RequireUser(tx, login);
      if (!u.ok()) return u.status();
      user_id = u->id;
    }
    auto all = tx.ListQualifications(user_id);
    if (!all.ok()) return all.status();
    for (const auto& q : *all) {
      auto v = ToView(tx, q, now);
      if (!v.ok()) return v.status();
      if (include_invalid || v->valid) out.push_back(std::move(*v));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<QualificationView> Trainings::RevokeQualification(
    const Actor& actor, int64_t id, const std::string& reason) {
  if (!actor.IsTrainerOrStaff()) {
    return absl::PermissionDeniedError(
        "only staff or the granting trainer revoke qualifications");
  }
  if (auto s = validate::Text("reason", reason, 500, true); !s.ok()) return s;
  const absl::Time now = clock_.Now();
  QualificationView view;
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto q = tx.FindQualification(id);
    if (!q.ok()) return q.status();
    if (!*q) return absl::NotFoundError(absl::StrCat("no qualification ", id));
    if (!actor.IsStaff() && (*q)->granted_by != actor.user_id) {
      return absl::PermissionDeniedError(
          "only staff or the trainer who granted it may revoke this "
          "qualification");
    }
    if ((*q)->revoked_at) {
      return absl::FailedPreconditionError(
          absl::StrCat("qualification ", id, " is already revoked"));
    }
    store::QualificationRecord r = **q;
    r.revoked_at = now;
    r.revoke_reason = reason;
    if (auto st = tx.UpdateQualification(r); !st.ok()) return st;
    auto v = ToView(tx, r, now);
    if (!v.ok()) return v.status();
    view = *v;
    return audit::Append(tx,
                         {actor.login, "qualification.revoke",
                          absl::StrCat("qualification/", id),
                          absl::StrCat("user=", view.login, " class=",
                                       r.machine_class, "; reason: ", reason)},
                         now)
        .status();
  });
  if (!s.ok()) return s;
  return view;
}

}  // namespace werkbank::access
