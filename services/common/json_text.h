// SPDX-License-Identifier: EUPL-1.2
// JSON string literals for the answers the daemon writes by hand (Connect
// errors, the OctoPrint surface, webhook bodies), where a protobuf message
// would be too heavy or has the wrong shape.
//
// Thread-safe (no state).
#ifndef WERKBANK_SERVICES_COMMON_JSON_TEXT_H_
#define WERKBANK_SERVICES_COMMON_JSON_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace werkbank::json {

// `text` as a JSON string literal, quotes included: '"' and '\' escaped,
// line feed, carriage return and tab as \n \r \t, other control characters
// as \u00XX (lower-case hex); every other byte of valid UTF-8 as it is.
// Bytes that are not part of a valid UTF-8 character are shown as
// utf8::EscapeInvalid shows them ("\xE9", so "\\xE9" in the literal): the
// result is always valid JSON and a person still sees what was there.
std::string Quote(absl::string_view text);

}  // namespace werkbank::json

#endif  // WERKBANK_SERVICES_COMMON_JSON_TEXT_H_
