// How many streams (watching the lab or a job, uploading, a backup) one
// person may hold open at once. Each open stream holds a server thread, so
// without a limit one account could take them all and lock everyone else
// out of the lab, the staff's emergency stop included.
//
// Thread-safety: thread-safe.
#ifndef WERKBANK_SERVICES_API_STREAM_LIMITS_H_
#define WERKBANK_SERVICES_API_STREAM_LIMITS_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "base/mutex.h"

namespace werkbank::api {

class StreamLimits {
 public:
  explicit StreamLimits(int per_user) : per_user_(per_user) {}

  // An open stream of one user; closing it (destruction) frees its place.
  class Slot {
   public:
    Slot(Slot&& other) noexcept
        : limits_(other.limits_), user_id_(other.user_id_) {
      other.limits_ = nullptr;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot();

   private:
    friend class StreamLimits;
    Slot(StreamLimits* limits, int64_t user_id)
        : limits_(limits), user_id_(user_id) {}
    StreamLimits* limits_;
    int64_t user_id_;
  };

  // A place for one more stream of `user_id`, or RESOURCE_EXHAUSTED.
  absl::StatusOr<Slot> Open(int64_t user_id);

  int open(int64_t user_id);

 private:
  void Close(int64_t user_id);

  const int per_user_;
  Mutex mu_;
  absl::flat_hash_map<int64_t, int> open_ ABSL_GUARDED_BY(mu_);
};

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_STREAM_LIMITS_H_
