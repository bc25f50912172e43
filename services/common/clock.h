// SPDX-License-Identifier: EUPL-1.2
// The source of time for everything below the composition root. Only
// services/daemon reads the real clock; tests use a fake one.
#ifndef WERKBANK_SERVICES_COMMON_CLOCK_H_
#define WERKBANK_SERVICES_COMMON_CLOCK_H_

#include "absl/time/time.h"

namespace werkbank {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current instant. Thread-safe.
  virtual absl::Time Now() const = 0;
};

}  // namespace werkbank

#endif  // WERKBANK_SERVICES_COMMON_CLOCK_H_
