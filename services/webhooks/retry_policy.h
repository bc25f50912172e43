// SPDX-License-Identifier: EUPL-1.2
// When a failed delivery is tried again, and when werkbank gives up on it:
// exponential backoff from `first` doubling up to `cap`; given up once the
// event is older than `give_up`. Pure arithmetic on the times it is given,
// so that tests run it on a fake clock.
#ifndef WERKBANK_SERVICES_WEBHOOKS_RETRY_POLICY_H_
#define WERKBANK_SERVICES_WEBHOOKS_RETRY_POLICY_H_

#include "absl/time/time.h"

namespace werkbank::webhooks {

struct RetryPolicy {
  absl::Duration first = absl::Seconds(1);
  absl::Duration cap = absl::Minutes(10);
  absl::Duration give_up = absl::Hours(24);

  // The wait after the `attempts`-th failed attempt (1 for the first).
  absl::Duration Delay(int attempts) const;
  // The next attempt after a failure at `now`.
  absl::Time NextAttempt(int attempts, absl::Time now) const {
    return now + Delay(attempts);
  }
  // True when an event created at `created` is not tried again at `now`.
  bool GivesUp(absl::Time created, absl::Time now) const {
    return now - created >= give_up;
  }
};

}  // namespace werkbank::webhooks

#endif  // WERKBANK_SERVICES_WEBHOOKS_RETRY_POLICY_H_
