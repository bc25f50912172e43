// SPDX-License-Identifier: EUPL-1.2
// Anonymising people; see anonymiser.h.
#include "anonymiser.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "forgotten_programs.h"
#include "services/audit/audit_log.h"

namespace werkbank::privacy {
namespace {

// What may name the person in a text: the login (also capitalised, as at
// the start of a sentence), the display name whole and each of its words of
// three letters or more, the card UID. Longest first, so that the whole
// name goes before its parts.
std::vector<std::string> Needles(const store::UserRecord& u) {
  std::vector<std::string> out = {u.login, u.display_name};
  if (!u.login.empty()) {
    std::string capital = u.login;
    capital[0] = absl::ascii_toupper(static_cast<unsigned char>(capital[0]));
    out.push_back(capital);
  }
  for (absl::string_view word :
       absl::StrSplit(u.display_name, absl::ByAnyChar(" -'"))) {
    if (word.size() >= 3) out.emplace_back(word);
  }
  if (u.card_uid) out.push_back(*u.card_uid);
  out.erase(std::remove_if(out.begin(), out.end(),
                           [](const std::string& n) { return n.size() < 2; }),
            out.end());
  std::sort(out.begin(), out.end(),
            [](const std::string& a, const std::string& b) {
              return a.size() != b.size() ? a.size() > b.size() : a < b;
            });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Their print service requests that still wait: nobody would collect the
// print, and its program file goes with them.
absl::Status WithdrawWaitingRequests(store::Transaction& tx, int64_t user_id,
                                     absl::Time at) {
  store::ServiceRequestFilter f;
  f.submitter_id = user_id;
  f.state = store::ServiceRequestState::kWaiting;
  f.limit = 1 << 30;
  auto waiting = tx.ListServiceRequests(f);
  if (!waiting.ok()) return waiting.status();
  for (store::ServiceRequestRecord& r : *waiting) {
    r.state = store::ServiceRequestState::kWithdrawn;
    r.decided_at = at;
    r.decided_by = 0;
    if (auto s = tx.UpdateServiceRequest(r); !s.ok()) return s;
    auto e = audit::Append(
        tx,
        {"system", "service.withdraw", absl::StrCat("service/", r.id),
         "its person was anonymised"},
        at);
    if (!e.ok()) return e.status();
  }
  return absl::OkStatus();
}

}  // namespace

Anonymiser::Anonymiser(store::Store& store, const Clock& clock,
                       const v1::Config& config, std::string jobs_dir)
    : store_(store),
      clock_(clock),
      config_(config),
      jobs_dir_(std::move(jobs_dir)) {}

int Anonymiser::inactive_months() const {
  return config_.privacy().has_inactive_months()
             ? config_.privacy().inactive_months()
             : 24;
}

absl::StatusOr<Anonymised> Anonymiser::AnonymiseNow(const access::Actor& actor,
                                                    const std::string& login,
                                                    const std::string& reason) {
  if (!actor.IsStaff()) {
    return absl::PermissionDeniedError("only staff anonymise a person");
  }
  if (login.empty()) return absl::InvalidArgumentError("login is required");
  if (login == actor.login) {
    return absl::FailedPreconditionError(
        "you cannot anonymise your own account; ask another staff member");
  }
  int64_t id = 0;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto u = tx.FindUserByLogin(login);
    if (!u.ok()) return u.status();
    if (!*u) return absl::NotFoundError(absl::StrCat("no user '", login, "'"));
    id = (*u)->id;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  auto done =
      Anonymise(id, actor.login, reason.empty() ? "on request" : reason);
  if (!done.ok()) return done;
  done->program_files_removed = RemovePrograms();
  return done;
}

absl::StatusOr<std::vector<int64_t>> Anonymiser::AnonymiseInactive() {
  std::vector<int64_t> done;
  const int months = inactive_months();
  // The programs of jobs that were still running when their person was
  // anonymised go too, also where accounts are never anonymised for age.
  if (months <= 0) {
    RemovePrograms();
    return done;
  }
  // A month is taken as 30.44 days; a day either way does not matter here.
  const absl::Time before =
      clock_.Now() - absl::Hours(24) * static_cast<int64_t>(months * 30.44);
  std::vector<int64_t> ids;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto found = tx.ListInactiveUsers(before);
    if (!found.ok()) return found.status();
    ids = std::move(*found);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  for (int64_t id : ids) {
    auto a = Anonymise(id, "system",
                       absl::StrCat("inactive for ", months, " months"));
    if (!a.ok()) return a.status();
    done.push_back(id);
  }
  RemovePrograms();
  return done;
}

int Anonymiser::RemovePrograms() {
  auto removed = RemoveForgottenPrograms(store_, jobs_dir_);
  std::vector<std::string> left;
  if (!removed.ok()) {
    left.push_back(std::string(removed.status().message()));
  } else {
    left = removed->left;
  }
  if (left.empty()) return removed->removed;
  // The person is anonymised; staff learn which file is left, and the next
  // daily task tries it again.
  (void)store_.Write([&](store::Transaction& tx) -> absl::Status {
    for (const std::string& why : left) {
      auto e = audit::Append(tx,
                             {"system", "privacy.program_left", "jobs",
                              absl::StrCat("cannot remove ", why)},
                             clock_.Now());
      if (!e.ok()) return e.status();
    }
    return absl::OkStatus();
  });
  return removed.ok() ? removed->removed : 0;
}

absl::StatusOr<Anonymised> Anonymiser::Anonymise(int64_t user_id,
                                                 const std::string& actor_login,
                                                 const std::string& why) {
  Anonymised result{user_id, 0};
  auto s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto u = tx.FindUserById(user_id);
    if (!u.ok()) return u.status();
    if (!*u) return absl::NotFoundError(absl::StrCat("no user ", user_id));
    auto already = tx.AnonymisedAt(user_id);
    if (!already.ok()) return already.status();
    if (*already) {
      return absl::FailedPreconditionError(
          absl::StrCat("user#", user_id, " is already anonymised"));
    }
    store::ScrubRequest r;
    r.user_id = user_id;
    r.needles = Needles(**u);
    r.replacement = absl::StrCat("user#", user_id);
    r.new_login = absl::StrCat("#anonymised-", user_id);
    r.at = clock_.Now();
    if (auto st = WithdrawWaitingRequests(tx, user_id, r.at); !st.ok())
      return st;
    if (auto st = tx.ScrubUser(r); !st.ok()) return st;
    auto redacted = audit::Redact(tx, r.needles, r.replacement);
    if (!redacted.ok()) return redacted.status();
    result.audit_events_redacted = static_cast<int>(redacted->size());
    return audit::Append(tx,
                         {actor_login, "user.anonymise", r.replacement,
                          audit::AnonymisedEventsDetail(why, *redacted)},
                         clock_.Now())
        .status();
  });
  if (!s.ok()) return s;
  if (auto c = store_.Compact(); !c.ok()) return c;
  return result;
}

}  // namespace werkbank::privacy
