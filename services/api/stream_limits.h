// SPDX-License-Identifier: EUPL-1.2
// The open streams (watching the lab or a job, uploading, a backup): how
// many one person may hold at once, and their end when the session they
// were opened with ends.
//
// Each open stream holds a server thread, so without a limit one account
// could take them all and lock everyone else out of the lab, the staff's
// emergency stop included. And a stream outliving its session would keep
// showing the lab to someone logged out, revoked, disabled, whose password
// changed or whose roles changed: a checker thread looks at every open
// stream's session every 250 ms (and at once after CheckNow()), wakes the
// stream's handler with the reason, and cancels the call if the handler
// cannot hear it (an upload waiting for the client, a watch whose client
// stopped reading).
//
// Thread-safety: thread-safe.
#ifndef WERKBANK_SERVICES_API_STREAM_LIMITS_H_
#define WERKBANK_SERVICES_API_STREAM_LIMITS_H_

#include <grpcpp/server_context.h>

#include <cstdint>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "base/mutex.h"
#include "services/access/accounts.h"
#include "services/access/actor.h"

namespace werkbank::api {

class StreamLimits {
 private:
  struct Stream;

 public:
  // `accounts` null: sessions are not checked (tests of the limit alone).
  // `total`: streams in the whole lab, the last kStaffReserve of them for
  // staff. `idle`: how long a stream opened with `cancel_at_once` (an upload
  // or backup, whose client sends) may send nothing before it is closed.
  StreamLimits(int per_user, const access::Accounts* accounts, int total = 96,
               absl::Duration idle = absl::Seconds(30));
  static constexpr int kStaffReserve = 16;
  ~StreamLimits() ABSL_LOCKS_EXCLUDED(mu_);

  // An open stream; closing it (destruction) frees its place.
  class Slot {
   public:
    Slot(Slot&& other) noexcept
        : limits_(other.limits_), stream_(std::move(other.stream_)) {
      other.limits_ = nullptr;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot();

    // Waits up to `d`. OK once it has passed; earlier, why the stream must
    // end: UNAUTHENTICATED (the session ended) or PERMISSION_DENIED (the
    // roles changed).
    absl::Status WaitFor(absl::Duration d) const
        ABSL_LOCKS_EXCLUDED(limits_->mu_);
    // Without waiting: OK, or why the stream must end.
    absl::Status ended() const ABSL_LOCKS_EXCLUDED(limits_->mu_);
    // The client sent something: the idle deadline starts again.
    void Touch() const ABSL_LOCKS_EXCLUDED(limits_->mu_);

   private:
    friend class StreamLimits;
    Slot(StreamLimits* limits, std::shared_ptr<Stream> stream)
        : limits_(limits), stream_(std::move(stream)) {}
    StreamLimits* limits_;
    std::shared_ptr<Stream> stream_;
  };

  // A place for one more stream of `actor`, or RESOURCE_EXHAUSTED. With
  // `cancel_at_once` the call is cancelled as soon as its session ends (a
  // handler waiting for the client cannot be woken otherwise); else it is
  // woken, and cancelled only if it has not closed by the next check.
  absl::StatusOr<Slot> Open(const access::Actor& actor,
                            grpc::ServerContextBase* ctx, bool cancel_at_once)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Checks every open stream's session now, not at the next round: after a
  // logout, revocation, a password or role change, disabling an account.
  void CheckNow() ABSL_LOCKS_EXCLUDED(mu_);

  int open(int64_t user_id) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Stream {
    access::Actor actor;
    grpc::ServerContextBase* ctx;
    bool cancel_at_once;
    absl::Status ended;      // guarded by StreamLimits::mu_
    absl::Time last_active;  // guarded by StreamLimits::mu_
    bool cancelled = false;  // guarded by StreamLimits::mu_
  };

  void Close(const std::shared_ptr<Stream>& stream) ABSL_LOCKS_EXCLUDED(mu_);
  void CheckerLoop() ABSL_LOCKS_EXCLUDED(mu_);
  // One round: every stream's session, then the ends and cancellations.
  void CheckAll() ABSL_LOCKS_EXCLUDED(mu_);

  const int per_user_;
  const int total_;
  const absl::Duration idle_;
  int open_total_ ABSL_GUARDED_BY(mu_) = 0;
  const access::Accounts* const accounts_;
  mutable Mutex mu_;
  absl::flat_hash_map<int64_t, int> open_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::shared_ptr<Stream>> streams_ ABSL_GUARDED_BY(mu_);
  bool check_now_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread checker_;
};

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_STREAM_LIMITS_H_
