// SPDX-License-Identifier: EUPL-1.2
// Security headers; see http_headers.h.
#include "http_headers.h"

namespace werkbank::web {

void SetSecurityHeaders(boost::beast::http::fields& fields, bool tls) {
  fields.set("Content-Security-Policy", kContentSecurityPolicy);
  fields.set("X-Content-Type-Options", "nosniff");
  fields.set("Referrer-Policy", "no-referrer");
  fields.set("X-Frame-Options", "DENY");
  if (tls) fields.set("Strict-Transport-Security", "max-age=31536000");
}

}  // namespace werkbank::web
