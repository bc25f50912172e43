// SPDX-License-Identifier: EUPL-1.2
// A webhook receiver for tests: a small HTTP/1.1 server on 127.0.0.1:0 that
// records every POST it gets and answers it with the status the test sets,
// after an optional delay. It can be stopped (connections are refused) and
// started again on the same port. One connection at a time, as werkbank
// delivers to an endpoint.
#ifndef WERKBANK_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
#define WERKBANK_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_

#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace werkbank::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  int answered = 0;  // the status sent back; 0 while not yet answered
};

class WebhookReceiver {
 public:
  WebhookReceiver();  // listens at once
  ~WebhookReceiver();

  int port() const { return port_; }
  std::string Url(const std::string& path = "/hook") const;

  // The status of the next answers (default 200), and how long to wait
  // before each.
  void AnswerWith(int status);
  void DelayAnswers(absl::Duration delay);

  // Stops listening (a connect is refused); Start() listens again.
  void Stop();
  void Start();

  // Every request received so far, in order of arrival.
  std::vector<ReceivedRequest> Requests();
  // The bodies of the requests answered 2xx, in order.
  std::vector<std::string> Delivered();
  // Waits until `pred` holds for the requests so far, or `timeout`.
  bool WaitFor(
      const std::function<bool(const std::vector<ReceivedRequest>&)>& pred,
      absl::Duration timeout);

 private:
  void Serve(int listen_fd);
  void Handle(int fd);

  int port_ = 0;
  int listen_fd_ = -1;
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<ReceivedRequest> requests_ ABSL_GUARDED_BY(mu_);
  int status_ ABSL_GUARDED_BY(mu_) = 200;
  absl::Duration delay_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace werkbank::testing

#endif  // WERKBANK_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
