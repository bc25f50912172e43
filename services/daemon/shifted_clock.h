// SPDX-License-Identifier: EUPL-1.2
// The real clock moved by an offset that an end-to-end test sets, so that it
// can let a reservation end without waiting for it in real time.
//
// Test builds only: it is compiled into `werkbankd-shifted-clock` (built by
// tests/CMakeLists.txt, never installed or packaged), never into werkbankd,
// so no flag, file or request can move a production daemon's clock. The
// offset is read from `clock-offset-seconds` in the daemon's state directory
// (mode 0700: only the daemon's own user can write it), at most every 10 ms.
// Only the domain's time moves; the serial protocols keep real time.
// Thread-safe.
#ifndef WERKBANK_SERVICES_DAEMON_SHIFTED_CLOCK_H_
#define WERKBANK_SERVICES_DAEMON_SHIFTED_CLOCK_H_

#include <fstream>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/common/clock.h"

namespace werkbank::daemon {

class ShiftedClock : public Clock {
 public:
  explicit ShiftedClock(const std::string& state_dir)
      : path_(state_dir + "/clock-offset-seconds") {}

  absl::Time Now() const override {
    const absl::Time real = absl::Now();
    absl::MutexLock lock(&mu_);
    if (real - read_at_ >= absl::Milliseconds(10)) {
      read_at_ = real;
      double seconds = 0;
      std::ifstream in(path_);
      if (in >> seconds) offset_ = absl::Seconds(seconds);
    }
    return real + offset_;
  }

 private:
  const std::string path_;
  mutable absl::Mutex mu_;
  mutable absl::Time read_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  mutable absl::Duration offset_ ABSL_GUARDED_BY(mu_);
};

}  // namespace werkbank::daemon

#endif  // WERKBANK_SERVICES_DAEMON_SHIFTED_CLOCK_H_
