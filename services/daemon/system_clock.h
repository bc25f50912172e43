// SPDX-License-Identifier: EUPL-1.2
// The real clock. Only the composition root (werkbankd's main) creates one.
#ifndef WERKBANK_SERVICES_DAEMON_SYSTEM_CLOCK_H_
#define WERKBANK_SERVICES_DAEMON_SYSTEM_CLOCK_H_

#include "absl/time/clock.h"
#include "services/common/clock.h"

namespace werkbank::daemon {

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace werkbank::daemon

#endif  // WERKBANK_SERVICES_DAEMON_SYSTEM_CLOCK_H_
