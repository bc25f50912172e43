// SPDX-License-Identifier: EUPL-1.2
// Checks of untrusted text from requests, with messages a person can act on.
#ifndef WERKBANK_SERVICES_COMMON_VALIDATE_H_
#define WERKBANK_SERVICES_COMMON_VALIDATE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace werkbank::validate {

// 2-32 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or
// digit.
absl::Status Login(absl::string_view login);

// Free text: at most `max_chars` bytes of valid UTF-8, no control characters
// except newline and tab; `required` refuses empty text.
absl::Status Text(absl::string_view field, absl::string_view value,
                  size_t max_chars, bool required);

// An instant between 2000 and 2200, which is all a lab ever needs; protects
// the arithmetic downstream from absurd timestamps.
absl::Status Instant(absl::string_view field, absl::Time t);

}  // namespace werkbank::validate

#endif  // WERKBANK_SERVICES_COMMON_VALIDATE_H_
