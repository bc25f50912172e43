// SPDX-License-Identifier: EUPL-1.2
// How many password and PIN hashes run at once. Each scrypt takes about
// 16 MiB and 50 ms of a core: without a bound, a flood of logins (for
// accounts that need not exist) takes the daemon's memory and both cores.
// A few callers may wait briefly for a turn; anyone beyond them is told the
// server is busy (UNAVAILABLE), at once, holding nothing.
//
// Thread-safe.
#ifndef WERKBANK_SERVICES_ACCESS_HASH_GATE_H_
#define WERKBANK_SERVICES_ACCESS_HASH_GATE_H_

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/mutex.h"

namespace werkbank::access {

class HashGate {
 public:
  struct Limits {
    int running = 2;  // hashes at once (one per core)
    int waiting = 8;  // callers queued for a turn
    absl::Duration max_wait = absl::Seconds(2);
  };
  explicit HashGate(Limits limits) : limits_(limits) {}

  // A turn to hash; the destructor ends it.
  class Turn {
   public:
    Turn(Turn&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;
    Turn& operator=(Turn&&) = delete;
    ~Turn();

   private:
    friend class HashGate;
    explicit Turn(HashGate* gate) : gate_(gate) {}
    HashGate* gate_;
  };

  // A turn, after waiting up to max_wait; UNAVAILABLE ("busy, try again")
  // when the queue is full or the wait runs out.
  absl::StatusOr<Turn> Enter() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Leave() ABSL_LOCKS_EXCLUDED(mu_);

  const Limits limits_;
  Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace werkbank::access

#endif  // WERKBANK_SERVICES_ACCESS_HASH_GATE_H_
