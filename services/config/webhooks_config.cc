// SPDX-License-Identifier: EUPL-1.2
// The webhooks' part of the config check; see webhooks_config.h.
#include "webhooks_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "numbers.h"

namespace werkbank::config {
namespace {

constexpr size_t kMinSecret = 16;

}  // namespace

absl::StatusOr<WebhookUrl> ParseWebhookUrl(const std::string& url) {
  WebhookUrl out;
  absl::string_view rest = url;
  if (absl::ConsumePrefix(&rest, "https://")) {
    out.tls = true;
  } else if (!absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url,
                     "\" is not an http:// or https:// URL, e.g. "
                     "\"https://chat.example.org/hooks/werkbank\""));
  }
  const size_t slash = rest.find_first_of("/?");
  absl::string_view authority = rest.substr(0, slash);
  out.target =
      slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target[0] == '?') out.target = "/" + out.target;
  if (authority.find('@') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "the URL must not carry a user or password; the signature "
        "authenticates werkbank");
  }
  absl::string_view port;
  if (absl::ConsumePrefix(&authority, "[")) {
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError("an IPv6 host lacks its closing ]");
    }
    out.host = std::string(authority.substr(0, close));
    absl::string_view after = authority.substr(close + 1);
    if (absl::ConsumePrefix(&after, ":")) port = after;
  } else {
    const size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != absl::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url, "\" names no host"));
  }
  int number = 0;
  if (port.empty()) {
    out.port = out.tls ? "443" : "80";
  } else if (!absl::SimpleAtoi(port, &number) || number < 1 || number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", port, "\" is not a port (1-65535)"));
  } else {
    out.port = std::string(port);
  }
  for (char ch : out.target) {
    if (ch <= 0x20 || ch >= 0x7f) {
      return absl::InvalidArgumentError(
          "the URL's path must be printable ASCII without spaces "
          "(percent-encode the rest)");
    }
  }
  return out;
}

absl::StatusOr<std::string> WebhookSecret(const v1::WebhookConfig& webhook) {
  if (webhook.secret_file().empty()) return webhook.secret();
  std::ifstream in(webhook.secret_file());
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the secret file ", webhook.secret_file(),
                     ": ", std::strerror(errno)));
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string secret = buf.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) {
    secret.pop_back();
  }
  return secret;
}

std::string WebhookEventName(v1::WebhookConfig::Event event) {
  std::string name =
      absl::AsciiStrToLower(v1::WebhookConfig::Event_Name(event));
  const size_t underscore = name.find('_');
  if (underscore != std::string::npos) name[underscore] = '.';
  return name;
}

void CheckWebhooks(Checker& c, v1::Config& cfg) {
  static const std::regex kName("[a-z0-9][a-z0-9_-]{0,31}");
  std::set<std::string> names;
  for (int i = 0; i < cfg.webhooks_size(); ++i) {
    v1::WebhookConfig& w = *cfg.mutable_webhooks(i);
    Checker::Scope scope(c, cfg, "webhooks", i);
    if (!std::regex_match(w.name(), kName)) {
      c.Error(w, "name",
              absl::StrCat("\"", w.name(),
                           "\" is not a valid webhook name; use 1-32 of "
                           "a-z, 0-9, _ and -"));
    } else if (!names.insert(w.name()).second) {
      c.Error(w, "name",
              absl::StrCat("webhook \"", w.name(), "\" is defined twice"));
    }
    if (auto url = ParseWebhookUrl(w.url()); !url.ok()) {
      c.Error(w, "url", std::string(url.status().message()));
    }
    if (w.secret().empty() == w.secret_file().empty()) {
      c.Error(w, w.secret().empty() ? "secret" : "secret_file",
              "give exactly one of secret and secret_file (a file holding "
              "the key, best readable by werkbankd only)");
    } else if (auto secret = WebhookSecret(w); !secret.ok()) {
      c.Error(w, "secret_file", std::string(secret.status().message()));
    } else if (secret->size() < kMinSecret) {
      c.Error(w, w.secret().empty() ? "secret_file" : "secret",
              absl::StrCat("the secret has ", secret->size(),
                           " characters; use at least ", kMinSecret,
                           ", e.g. from `openssl rand -hex 32`"));
    }
    for (int k = 0; k < w.events_size(); ++k) {
      if (w.events(k) == v1::WebhookConfig::EVENT_UNSPECIFIED) {
        c.Error(w, "events",
                "EVENT_UNSPECIFIED is not an event; name events such as "
                "JOB_FINISHED or BOOKING_REMINDER, or leave events out for "
                "all of them",
                k);
      }
    }
    ApplyNumberRules(c, w, {{"reminder_minutes", 15, 1, 7 * 1440}});
  }
}

}  // namespace werkbank::config
