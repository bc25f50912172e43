// SPDX-License-Identifier: EUPL-1.2
// UTF-8 for everything the daemon sends: a protobuf `string` must be valid
// UTF-8, or clients fail to decode the whole message. Text that came from
// outside without a check (a G-code line, a firmware's answer) is made valid
// by showing each byte that does not belong to a character escaped, "\xE9",
// so that a person still sees what was there.
#ifndef WERKBANK_SERVICES_COMMON_UTF8_H_
#define WERKBANK_SERVICES_COMMON_UTF8_H_

#include <string>

#include "absl/strings/string_view.h"

namespace werkbank::utf8 {

// Strict UTF-8 as protobuf checks it: no overlong forms, no surrogates,
// nothing above U+10FFFF.
bool IsValid(absl::string_view text);

// `text` with every byte that is not part of a valid character replaced by
// "\xHH" (upper-case hex). Valid text comes back unchanged.
std::string EscapeInvalid(absl::string_view text);

}  // namespace werkbank::utf8

#endif  // WERKBANK_SERVICES_COMMON_UTF8_H_
