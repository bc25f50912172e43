// SPDX-License-Identifier: EUPL-1.2
// A real Store whose writes a test can make fail (a busy database) or hang
// (a database locked by someone else) until released. One rule each; the
// database underneath is real.
#ifndef WERKBANK_TESTS_SUPPORT_TROUBLED_STORE_H_
#define WERKBANK_TESTS_SUPPORT_TROUBLED_STORE_H_

#include <atomic>
#include <string>

#include "absl/synchronization/notification.h"
#include "services/store/store.h"

namespace werkbank::testing {

class TroubledStore : public store::Store {
 public:
  explicit TroubledStore(store::Store& real) : real_(real) {}
  absl::Status Write(const store::WriteBody& body) override {
    if (hang_.exchange(false)) {  // the next write hangs
      inside_.Notify();
      release_.WaitForNotification();
    }
    ++attempts_;
    if (fail_next_ > 0) {
      --fail_next_;
      return absl::UnavailableError("database is locked");
    }
    return real_.Write(body);
  }
  absl::Status Read(const store::WriteBody& body) override {
    return real_.Read(body);
  }
  absl::Status Backup(const std::string& dest) override {
    return real_.Backup(dest);
  }
  absl::Status Compact() override { return real_.Compact(); }

  std::atomic<int> fail_next_{0};
  std::atomic<int> attempts_{0};
  std::atomic<bool> hang_{false};
  absl::Notification inside_, release_;  // the hang began; end it

 private:
  store::Store& real_;
};

}  // namespace werkbank::testing

#endif  // WERKBANK_TESTS_SUPPORT_TROUBLED_STORE_H_
