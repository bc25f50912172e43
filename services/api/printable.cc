// SPDX-License-Identifier: EUPL-1.2
// Lenient text for requests that must not be refused; see printable.h.
#include "printable.h"

#include <vector>

#include "absl/strings/str_format.h"

namespace werkbank::api {
namespace {

bool Continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// The length of the well-formed UTF-8 sequence at `s[i]` (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF), or 0.
size_t SequenceLength(absl::string_view s, size_t i, char32_t* code_point) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = at(i);
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (b < 0x80) {
    *code_point = b;
    return 1;
  } else if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size() || at(i + 1) < lo || at(i + 1) > hi) return 0;
  char32_t cp = b & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    if (!Continuation(at(i + k))) return 0;
    cp = (cp << 6) | (at(i + k) & 0x3F);
  }
  *code_point = cp;
  return len;
}

}  // namespace

std::string Printable(absl::string_view raw, size_t max_bytes) {
  static constexpr absl::string_view kCut = "…";
  std::string out;
  std::vector<size_t> ends;  // out.size() after each character or escape
  size_t i = 0;
  while (i < raw.size() && out.size() <= max_bytes) {
    char32_t cp = 0;
    const size_t len = SequenceLength(raw, i, &cp);
    if (len == 0) {
      absl::StrAppendFormat(&out, "\\x%02X",
                            static_cast<unsigned char>(raw[i]));
      i += 1;
    } else if (cp < 0x20 || cp == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02X", static_cast<unsigned>(cp));
      i += len;
    } else if (cp >= 0x80 && cp < 0xA0) {
      absl::StrAppendFormat(&out, "\\u%04X", static_cast<unsigned>(cp));
      i += len;
    } else {
      out.append(raw.data() + i, len);
      i += len;
    }
    ends.push_back(out.size());
  }
  if (i == raw.size() && out.size() <= max_bytes) return out;
  size_t keep = 0;
  for (size_t end : ends) {
    if (end + kCut.size() <= max_bytes) keep = end;
  }
  out.resize(keep);
  out.append(kCut.data(), kCut.size());
  return out;
}

}  // namespace werkbank::api
