// SPDX-License-Identifier: EUPL-1.2
// The bound on concurrent hashing; see hash_gate.h.
#include "hash_gate.h"

#include "absl/time/clock.h"

namespace werkbank::access {
namespace {

constexpr char kBusy[] =
    "the server is busy checking other logins; try again in a moment";

}  // namespace

HashGate::Turn::~Turn() {
  if (gate_ != nullptr) gate_->Leave();
}

absl::StatusOr<HashGate::Turn> HashGate::Enter() {
  MutexLock lock(&mu_);
  if (running_ >= limits_.running) {
    if (waiting_ >= limits_.waiting) return absl::UnavailableError(kBusy);
    ++waiting_;
    auto turn_free = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return running_ < limits_.running;
    };
    const bool got = mu_.AwaitWithDeadline(absl::Condition(&turn_free),
                                           absl::Now() + limits_.max_wait);
    --waiting_;
    if (!got) return absl::UnavailableError(kBusy);
  }
  ++running_;
  return Turn(this);
}

void HashGate::Leave() {
  MutexLock lock(&mu_);
  --running_;
}

}  // namespace werkbank::access
