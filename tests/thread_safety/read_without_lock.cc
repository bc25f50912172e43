// SPDX-License-Identifier: EUPL-1.2
// Must not compile under clang's thread-safety analysis: it reads and
// writes a member guarded by werkbank's Mutex without holding it, and calls
// a helper that requires the lock without taking it.
// scripts/test-sanitizers compiles it with the flags of the thread-safety
// build and fails unless clang refuses it, so that the analysis cannot be
// switched off unnoticed (a lost -Wthread-safety, a Mutex without its
// annotations). With -DWERKBANK_HOLD_LOCK the lock is taken and the file
// must compile: the refusal comes from the analysis, not a broken include.
#include "absl/base/thread_annotations.h"
#include "base/mutex.h"

namespace werkbank {

class Counter {
 public:
  int Next() ABSL_LOCKS_EXCLUDED(mu_) {
#ifdef WERKBANK_HOLD_LOCK
    MutexLock lock(&mu_);
#endif
    Bump();
    return value_;
  }

 private:
  void Bump() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { ++value_; }

  Mutex mu_;
  int value_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace werkbank

int main() {
  werkbank::Counter counter;
  return counter.Next() == 1 ? 0 : 1;
}
