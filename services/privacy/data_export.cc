// SPDX-License-Identifier: EUPL-1.2
// A person's own data; see data_export.h.
#include "data_export.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/audit/audit_log.h"

namespace werkbank::privacy {

absl::StatusOr<PersonalRecords> ExportPersonalData(store::Store& store,
                                                   const Clock& clock,
                                                   const access::Actor& actor,
                                                   const std::string& login) {
  const std::string who = login.empty() ? actor.login : login;
  if (who != actor.login && !actor.IsStaff()) {
    return absl::PermissionDeniedError(
        "you may download your own data; staff download anyone's");
  }
  PersonalRecords out;
  auto s = store.Write([&](store::Transaction& tx) -> absl::Status {
    auto u = tx.FindUserByLogin(who);
    if (!u.ok()) return u.status();
    if (!*u) return absl::NotFoundError(absl::StrCat("no user '", who, "'"));
    out = PersonalRecords{};
    out.user = **u;
    const int64_t id = out.user.id;
    auto last = tx.LastActivity(id);
    if (!last.ok()) return last.status();
    out.last_active_at = *last;
    auto quals = tx.ListQualifications(id);
    if (!quals.ok()) return quals.status();
    out.qualifications = std::move(*quals);
    store::ReservationFilter f;
    f.user_id = id;
    f.active_only = false;
    auto res = tx.ListReservations(f);
    if (!res.ok()) return res.status();
    for (store::ReservationRecord& r : *res) {
      r.participant_ids.clear();  // other people
      out.reservations.push_back(std::move(r));
    }
    auto jobs = tx.ListJobs("", id, 1 << 30);
    if (!jobs.ok()) return jobs.status();
    out.jobs = std::move(*jobs);
    auto keys = tx.ListApiKeys(id);
    if (!keys.ok()) return keys.status();
    out.api_keys = std::move(*keys);
    store::ServiceRequestFilter requests;
    requests.submitter_id = id;
    requests.limit = 1 << 30;
    auto submitted = tx.ListServiceRequests(requests);
    if (!submitted.ok()) return submitted.status();
    out.service_requests = std::move(*submitted);
    auto briefings = tx.ListBriefings("");
    if (!briefings.ok()) return briefings.status();
    for (store::BriefingRecord& b : *briefings) {
      const auto& p = b.participant_ids;
      if (std::find(p.begin(), p.end(), id) == p.end()) continue;
      b.participant_ids = {id};
      b.trainer_id = 0;
      out.briefings_attended.push_back(std::move(b));
    }
    std::vector<std::string> needles = {out.user.login};
    if (out.user.card_uid) needles.push_back(*out.user.card_uid);
    auto events = tx.ListAuditMentioning(needles);
    if (!events.ok()) return events.status();
    out.audit_events = std::move(*events);
    return audit::Append(
               tx,
               {actor.login, "user.export", absl::StrCat("user/", who),
                "personal data downloaded"},
               clock.Now())
        .status();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace werkbank::privacy
