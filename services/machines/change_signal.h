// SPDX-License-Identifier: EUPL-1.2
// A version counter that says "something a person would see has changed":
// machines bump it, live views (Monitor/WatchLab) wait for it to move
// instead of polling on a timer, so an event is on screen at once.
//
// Thread-safe. Notify() takes only this object's own lock, so it may be
// called while holding any other lock.
#ifndef WERKBANK_SERVICES_MACHINES_CHANGE_SIGNAL_H_
#define WERKBANK_SERVICES_MACHINES_CHANGE_SIGNAL_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "base/mutex.h"

namespace werkbank::machines {

class ChangeSignal {
 public:
  void Notify() ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    ++version_;
  }

  uint64_t version() ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return version_;
  }

  // Waits until the version is past `seen` or `deadline` has come; returns
  // the version then (still `seen` on a timeout).
  uint64_t WaitNewerThan(uint64_t seen, absl::Time deadline)
      ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    auto newer = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return version_ > seen;
    };
    mu_.AwaitWithDeadline(absl::Condition(&newer), deadline);
    return version_;
  }

 private:
  Mutex mu_;
  uint64_t version_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace werkbank::machines

#endif  // WERKBANK_SERVICES_MACHINES_CHANGE_SIGNAL_H_
