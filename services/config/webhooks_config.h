// SPDX-License-Identifier: EUPL-1.2
// The config's webhooks: their check at load (name, url, secret or
// secret_file, events, reminder_minutes) and the two things the daemon reads
// from them later, the parsed URL and the secret.
#ifndef WERKBANK_SERVICES_CONFIG_WEBHOOKS_CONFIG_H_
#define WERKBANK_SERVICES_CONFIG_WEBHOOKS_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "checker.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::config {

struct WebhookUrl {
  bool tls = false;    // https
  std::string host;    // without brackets
  std::string port;    // "80" / "443" when not written
  std::string target;  // path and query, "/" at least
};

// "http://host[:port]/path" or "https://…". INVALID_ARGUMENT saying what is
// wrong otherwise.
absl::StatusOr<WebhookUrl> ParseWebhookUrl(const std::string& url);

// The HMAC key: `secret`, or the content of `secret_file` without a final
// line break. An error names the file and why it cannot be used.
absl::StatusOr<std::string> WebhookSecret(const v1::WebhookConfig& webhook);

// "job.finished" for JOB_FINISHED: lower case, the first '_' a dot.
std::string WebhookEventName(v1::WebhookConfig::Event event);

// Checks config.webhooks and fills in the defaults.
void CheckWebhooks(Checker& c, v1::Config& cfg);

}  // namespace werkbank::config

#endif  // WERKBANK_SERVICES_CONFIG_WEBHOOKS_CONFIG_H_
