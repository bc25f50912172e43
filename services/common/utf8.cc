// SPDX-License-Identifier: EUPL-1.2
// UTF-8 checks and escaping; see utf8.h.
#include "utf8.h"

#include "absl/strings/str_format.h"

namespace werkbank::utf8 {
namespace {

// The length of the valid character at the start of `s`, or 0.
size_t CharLength(absl::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(0);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  if (byte(1) < lo || byte(1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

bool IsValid(absl::string_view text) {
  while (!text.empty()) {
    const size_t n = CharLength(text);
    if (n == 0) return false;
    text.remove_prefix(n);
  }
  return true;
}

std::string EscapeInvalid(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t n = CharLength(text);
    if (n == 0) {
      absl::StrAppendFormat(&out, "\\x%02X",
                            static_cast<unsigned char>(text[0]));
      text.remove_prefix(1);
    } else {
      out.append(text.data(), n);
      text.remove_prefix(n);
    }
  }
  return out;
}

}  // namespace werkbank::utf8
