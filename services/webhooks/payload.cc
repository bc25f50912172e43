// SPDX-License-Identifier: EUPL-1.2
// Building the JSON payload; see payload.h.
#include "payload.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/common/json_text.h"
#include "services/config/webhooks_config.h"

namespace werkbank::webhooks {

std::string Rfc3339Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string PayloadBody(const events::Event& event, absl::string_view lab) {
  std::string out = absl::StrCat(
      "{\"event\":", json::Quote(config::WebhookEventName(event.kind)),
      ",\"time\":", json::Quote(Rfc3339Utc(event.time)),
      ",\"lab\":", json::Quote(lab));
  if (!event.machine.empty()) {
    absl::StrAppend(&out, ",\"machine\":", json::Quote(event.machine));
  }
  if (event.job != 0) absl::StrAppend(&out, ",\"job\":", event.job);
  for (const auto& [key, value] : event.numbers) {
    absl::StrAppend(&out, ",", json::Quote(key), ":", value);
  }
  for (const auto& [key, value] : event.text) {
    // Firmware messages may carry stray bytes; Quote shows them escaped.
    absl::StrAppend(&out, ",", json::Quote(key), ":", json::Quote(value));
  }
  return out + "}";
}

std::string WithId(int64_t id, absl::string_view body) {
  if (body.size() < 2 || body.front() != '{') {
    return absl::StrCat("{\"id\":", id, "}");
  }
  return absl::StrCat("{\"id\":", id, body.size() > 2 ? "," : "",
                      body.substr(1));
}

}  // namespace werkbank::webhooks
