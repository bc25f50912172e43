// SPDX-License-Identifier: EUPL-1.2
// A Clock that stands still until a test moves it.
#ifndef WERKBANK_TESTS_SUPPORT_FAKE_CLOCK_H_
#define WERKBANK_TESTS_SUPPORT_FAKE_CLOCK_H_

#include "base/mutex.h"
#include "services/common/clock.h"

namespace werkbank::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    MutexLock lock(&mu_);
    return now_;
  }
  void Set(absl::Time t) {
    MutexLock lock(&mu_);
    now_ = t;
  }
  void Advance(absl::Duration d) {
    MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace werkbank::testing

#endif  // WERKBANK_TESTS_SUPPORT_FAKE_CLOCK_H_
