#include "stream_limits.h"

#include "absl/strings/str_cat.h"
#include "base/mutex.h"

namespace werkbank::api {

StreamLimits::Slot::~Slot() {
  if (limits_ != nullptr) limits_->Close(user_id_);
}

absl::StatusOr<StreamLimits::Slot> StreamLimits::Open(int64_t user_id) {
  MutexLock lock(&mu_);
  int& open = open_[user_id];
  if (open >= per_user_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "you already have ", open,
        " open streams (watching the lab or a job, uploads, backups), the "
        "most one person may hold at once; close one and try again"));
  }
  ++open;
  return Slot(this, user_id);
}

int StreamLimits::open(int64_t user_id) {
  MutexLock lock(&mu_);
  auto it = open_.find(user_id);
  return it == open_.end() ? 0 : it->second;
}

void StreamLimits::Close(int64_t user_id) {
  MutexLock lock(&mu_);
  auto it = open_.find(user_id);
  if (it == open_.end()) return;
  if (--it->second <= 0) open_.erase(it);
}

}  // namespace werkbank::api
