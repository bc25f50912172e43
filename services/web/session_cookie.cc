// SPDX-License-Identifier: EUPL-1.2
// Session cookie and CSRF header; see session_cookie.h.
#include "session_cookie.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace werkbank::web {
namespace {

std::string Attributes(bool secure) {
  return absl::StrCat("; HttpOnly", secure ? "; Secure" : "",
                      "; SameSite=Strict; Path=/");
}

}  // namespace

std::optional<std::string> SessionToken(absl::string_view authorization,
                                        absl::string_view cookie_header) {
  absl::string_view auth = absl::StripAsciiWhitespace(authorization);
  if (absl::StartsWithIgnoreCase(auth, "Bearer ")) {
    absl::string_view token = absl::StripAsciiWhitespace(auth.substr(7));
    if (!token.empty()) return std::string(token);
  }
  for (absl::string_view pair : absl::StrSplit(cookie_header, ';')) {
    pair = absl::StripAsciiWhitespace(pair);
    auto eq = pair.find('=');
    if (eq == absl::string_view::npos) continue;
    if (pair.substr(0, eq) != kSessionCookieName) continue;
    absl::string_view value = pair.substr(eq + 1);
    if (!value.empty()) return std::string(value);
  }
  return std::nullopt;
}

std::string SetSessionCookie(absl::string_view token, bool secure) {
  return absl::StrCat(kSessionCookieName, "=", token, Attributes(secure));
}

std::string ClearSessionCookie(bool secure) {
  return absl::StrCat(kSessionCookieName, "=; Max-Age=0", Attributes(secure));
}

bool HasConnectProtocolHeader(absl::string_view value) {
  return absl::StripAsciiWhitespace(value) == "1";
}

}  // namespace werkbank::web
