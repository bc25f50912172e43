// SPDX-License-Identifier: EUPL-1.2
// Building the JSON payload; see payload.h.
#include "payload.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/utf8.h"
#include "services/config/webhooks_config.h"

namespace werkbank::webhooks {

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (unsigned char ch : text) {
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (ch < 0x20) {
          out += absl::StrFormat("\\u%04x", ch);
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  return out + "\"";
}

std::string Rfc3339Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string PayloadBody(const events::Event& event, absl::string_view lab) {
  std::string out = absl::StrCat(
      "{\"event\":", JsonString(config::WebhookEventName(event.kind)),
      ",\"time\":", JsonString(Rfc3339Utc(event.time)),
      ",\"lab\":", JsonString(lab));
  if (!event.machine.empty()) {
    absl::StrAppend(&out, ",\"machine\":", JsonString(event.machine));
  }
  if (event.job != 0) absl::StrAppend(&out, ",\"job\":", event.job);
  for (const auto& [key, value] : event.numbers) {
    absl::StrAppend(&out, ",", JsonString(key), ":", value);
  }
  for (const auto& [key, value] : event.text) {
    // Firmware messages may carry stray bytes; the body stays valid UTF-8.
    absl::StrAppend(&out, ",", JsonString(key), ":",
                    JsonString(utf8::EscapeInvalid(value)));
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
