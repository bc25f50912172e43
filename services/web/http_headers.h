// SPDX-License-Identifier: EUPL-1.2
// The headers every answer carries: a strict Content-Security-Policy (no
// inline script, nothing from other origins, no framing), no MIME sniffing,
// no referrer, and HSTS on TLS.
#ifndef WERKBANK_SERVICES_WEB_HTTP_HEADERS_H_
#define WERKBANK_SERVICES_WEB_HTTP_HEADERS_H_

#include <boost/beast/http/fields.hpp>

namespace werkbank::web {

inline constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'";

void SetSecurityHeaders(boost::beast::http::fields& fields, bool tls);

}  // namespace werkbank::web

#endif  // WERKBANK_SERVICES_WEB_HTTP_HEADERS_H_
