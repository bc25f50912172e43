// SPDX-License-Identifier: EUPL-1.2
// Text from a request that must never be refused for its content, such as an
// emergency stop's reason: instead of validating it, Printable() makes it
// safe to log and show. Control characters and bytes that are not UTF-8
// become visible escapes (\x01, \xFF; C1 controls \u0085), and the result is
// cut to at most `max_bytes` on a character boundary, ending in "…" when cut.
#ifndef WERKBANK_SERVICES_API_PRINTABLE_H_
#define WERKBANK_SERVICES_API_PRINTABLE_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace werkbank::api {

// `max_bytes` must be at least 3 (the "…").
std::string Printable(absl::string_view raw, size_t max_bytes);

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_PRINTABLE_H_
