// SPDX-License-Identifier: EUPL-1.2
// Counting failed logins so that guessing stays slow, however many guesses
// arrive at once and whether or not the login exists.
//
// An attempt is counted inside a write transaction *before* its secret is
// checked: writes are serialized, so the n-th of many parallel guesses sees
// the n - 1 before it, and once the delay or lockout begins the rest are
// refused without being checked. A correct secret clears the count. Counts
// are kept per name typed ("login:anna", "card:04:A3"), for names no account
// has as well, so that the answers (and their timing) are the same.
#ifndef WERKBANK_SERVICES_ACCESS_LOGIN_THROTTLE_H_
#define WERKBANK_SERVICES_ACCESS_LOGIN_THROTTLE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/store/store.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::access {

// A name's failures are forgotten a day after the last one.
inline constexpr absl::Duration kFailuresForgottenAfter = absl::Hours(24);

// Within `tx`: RESOURCE_EXHAUSTED ("too many failed logins ... try again in
// N s") while `subject` is delayed or locked; otherwise counts this attempt
// as failed (from `failed_logins_before_delay` on each further one doubles
// a wait, at `failed_logins_before_lockout` the name is locked for
// `lockout_minutes`) and returns the record as it now stands.
absl::StatusOr<store::LoginFailureRecord> CountAttempt(
    store::Transaction& tx, const std::string& subject, absl::Time now,
    const v1::AccountPolicy& policy);

// What a counted failure means, for the audit log: "; locked for 15 min".
std::string Consequence(const store::LoginFailureRecord& r, absl::Time now);

}  // namespace werkbank::access

#endif  // WERKBANK_SERVICES_ACCESS_LOGIN_THROTTLE_H_
