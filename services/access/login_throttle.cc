// SPDX-License-Identifier: EUPL-1.2
// Failed-login counting; see login_throttle.h.
#include "login_throttle.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace werkbank::access {
namespace {

std::string Seconds(absl::Duration d) {
  return absl::StrCat(static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(d))),
                      " s");
}

}  // namespace

absl::StatusOr<store::LoginFailureRecord> CountAttempt(
    store::Transaction& tx, const std::string& subject, absl::Time now,
    const v1::AccountPolicy& policy) {
  if (auto s = tx.DeleteLoginFailuresBefore(now - kFailuresForgottenAfter);
      !s.ok()) {
    return s;
  }
  auto found = tx.FindLoginFailures(subject);
  if (!found.ok()) return found.status();
  store::LoginFailureRecord r;
  r.subject = subject;
  if (*found) r = **found;
  if (now < r.locked_until) {
    return absl::ResourceExhaustedError(
        absl::StrCat("too many failed logins for this account; try again in ",
                     Seconds(r.locked_until - now)));
  }
  r.failures += 1;
  r.last_failure_at = now;
  if (r.failures >= policy.failed_logins_before_lockout()) {
    r.locked_until = now + absl::Minutes(policy.lockout_minutes());
  } else if (r.failures >= policy.failed_logins_before_delay()) {
    const int step = r.failures - policy.failed_logins_before_delay();
    r.locked_until = now + absl::Seconds(1 << std::min(step, 8));
  }
  if (auto s = tx.PutLoginFailures(r); !s.ok()) return s;
  return r;
}

std::string Consequence(const store::LoginFailureRecord& r, absl::Time now) {
  if (r.locked_until <= now) return "";
  if (r.locked_until - now >= absl::Minutes(1)) {
    return absl::StrCat("; locked for ",
                        absl::ToInt64Minutes(r.locked_until - now), " min");
  }
  return absl::StrCat("; next try allowed in ", Seconds(r.locked_until - now));
}

}  // namespace werkbank::access
