// SPDX-License-Identifier: EUPL-1.2
// The browser's session: the login token travels in an HttpOnly,
// SameSite=Strict cookie (script on the page cannot read it, another site
// cannot send it), or in an Authorization header for curl and generic
// Connect clients. And the CSRF rule: every POST carries a header that a
// cross-site form cannot set.
#ifndef WERKBANK_SERVICES_WEB_SESSION_COOKIE_H_
#define WERKBANK_SERVICES_WEB_SESSION_COOKIE_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace werkbank::web {

inline constexpr char kSessionCookieName[] = "werkbank_session";

// The token from "Authorization: Bearer …" if present, else from the
// werkbank_session cookie; nullopt when neither carries one.
std::optional<std::string> SessionToken(absl::string_view authorization,
                                        absl::string_view cookie_header);

// Set-Cookie values that set or clear the session. `secure` is false only
// on the plaintext loopback listener used by tests.
std::string SetSessionCookie(absl::string_view token, bool secure);
std::string ClearSessionCookie(bool secure);

// Whether a POST's Connect-Protocol-Version header says "1".
bool HasConnectProtocolHeader(absl::string_view value);

}  // namespace werkbank::web

#endif  // WERKBANK_SERVICES_WEB_SESSION_COOKIE_H_
