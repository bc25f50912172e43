// SPDX-License-Identifier: EUPL-1.2
// Exponential backoff; see retry_policy.h.
#include "retry_policy.h"

#include <algorithm>

namespace werkbank::webhooks {

absl::Duration RetryPolicy::Delay(int attempts) const {
  absl::Duration delay = first;
  for (int i = 1; i < attempts && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

}  // namespace werkbank::webhooks
