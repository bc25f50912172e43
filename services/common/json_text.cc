// SPDX-License-Identifier: EUPL-1.2
// JSON string literals; see json_text.h.
#include "json_text.h"

#include "absl/strings/str_format.h"
#include "utf8.h"

namespace werkbank::json {
namespace {

void AppendEscaped(absl::string_view text, std::string* out) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(ch);
        }
    }
  }
}

}  // namespace

std::string Quote(absl::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  if (utf8::IsValid(text)) {
    AppendEscaped(text, &out);
  } else {
    AppendEscaped(utf8::EscapeInvalid(text), &out);
  }
  out += "\"";
  return out;
}

}  // namespace werkbank::json
