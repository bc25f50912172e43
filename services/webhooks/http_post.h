// SPDX-License-Identifier: EUPL-1.2
// One HTTP POST to a webhook endpoint. HttpPoster is the seam that tests
// replace; BeastPoster is the real client (Boost.Beast, OpenSSL for https,
// the system's CAs and the host name checked), with a timeout on each of
// resolve+connect, write and read.
#ifndef WERKBANK_SERVICES_WEBHOOKS_HTTP_POST_H_
#define WERKBANK_SERVICES_WEBHOOKS_HTTP_POST_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/config/webhooks_config.h"

namespace werkbank::webhooks {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Thread-compatible: each delivery worker owns one.
class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  // The response's status code, or UNAVAILABLE / DEADLINE_EXCEEDED when no
  // answer came (refused, reset, TLS failure, timeout).
  virtual absl::StatusOr<int> Post(const config::WebhookUrl& url,
                                   const Headers& headers,
                                   const std::string& body) = 0;
};

class BeastPoster : public HttpPoster {
 public:
  explicit BeastPoster(absl::Duration timeout = absl::Seconds(5))
      : timeout_(timeout) {}
  absl::StatusOr<int> Post(const config::WebhookUrl& url,
                           const Headers& headers,
                           const std::string& body) override;

 private:
  absl::Duration timeout_;
};

}  // namespace werkbank::webhooks

#endif  // WERKBANK_SERVICES_WEBHOOKS_HTTP_POST_H_
