// SPDX-License-Identifier: EUPL-1.2
// werkbank::Mutex and werkbank::MutexLock: absl::Mutex and absl::MutexLock,
// except in ThreadSanitizer builds.
//
// Debian's Abseil is compiled without ThreadSanitizer, so TSan never sees an
// absl::Mutex being locked or unlocked and reports every access it guards as
// a race. Under TSan these are a std::mutex and a condition variable with the
// part of absl's interface werkbank uses (Lock, Unlock, Await,
// AwaitWithDeadline, MutexLock, the thread-safety annotations), which TSan
// understands. Everywhere else they are absl's own.
#ifndef WERKBANK_BASE_MUTEX_H_
#define WERKBANK_BASE_MUTEX_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

#if defined(__SANITIZE_THREAD__)
#define WERKBANK_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WERKBANK_TSAN 1
#endif
#endif

#ifdef WERKBANK_TSAN
#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"
#endif

namespace werkbank {

#ifndef WERKBANK_TSAN

using Mutex = absl::Mutex;
using MutexLock = absl::MutexLock;

#else

class ABSL_LOCKABLE Mutex {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  // As with absl::Mutex, every unlock lets waiters check their conditions.
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    changed_.notify_all();
    mu_.unlock();
  }
  void Await(const absl::Condition& cond) ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    std::unique_lock<std::mutex> lock(mu_, std::adopt_lock);
    changed_.wait(lock, [&] { return cond.Eval(); });
    lock.release();
  }
  bool AwaitWithDeadline(const absl::Condition& cond, absl::Time deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    std::unique_lock<std::mutex> lock(mu_, std::adopt_lock);
    const bool met = changed_.wait_until(lock, absl::ToChronoTime(deadline),
                                         [&] { return cond.Eval(); });
    lock.release();
    return met;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
};

class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }

 private:
  Mutex* const mu_;
};

#endif

}  // namespace werkbank

#endif  // WERKBANK_BASE_MUTEX_H_
