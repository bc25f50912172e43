// SPDX-License-Identifier: EUPL-1.2
// The signature of a webhook delivery. The receiver recomputes
//   HMAC-SHA256(secret, "<X-Werkbank-Timestamp>.<body>")
// in lower-case hex and compares it with X-Werkbank-Signature
// ("sha256=<hex>"); the timestamp (Unix seconds) is inside the signed text,
// so a receiver that refuses old timestamps refuses replays (README,
// "Events out").
#ifndef WERKBANK_SERVICES_WEBHOOKS_SIGNATURE_H_
#define WERKBANK_SERVICES_WEBHOOKS_SIGNATURE_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace werkbank::webhooks {

// "sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>".
std::string SignatureHeader(absl::string_view secret, int64_t timestamp,
                            absl::string_view body);

}  // namespace werkbank::webhooks

#endif  // WERKBANK_SERVICES_WEBHOOKS_SIGNATURE_H_
