// SPDX-License-Identifier: EUPL-1.2
// The Connect protocol's framing and errors (connectrpc.com/docs/protocol),
// JSON codec only: the envelopes of a server stream and the mapping of a
// gRPC status to a Connect error code and HTTP status.
#ifndef WERKBANK_SERVICES_WEB_CONNECT_CODEC_H_
#define WERKBANK_SERVICES_WEB_CONNECT_CODEC_H_

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace werkbank::web {

// Envelope flags.
constexpr uint8_t kEnvelopeCompressed = 0x01;
constexpr uint8_t kEnvelopeEndStream = 0x02;

// One flag byte, a 4-byte big-endian length, then `payload`.
std::string Envelope(uint8_t flags, absl::string_view payload);

// The payload of the single envelope that makes up `body` (the request of
// a server stream). INVALID_ARGUMENT when `body` is not exactly one
// uncompressed message envelope.
absl::StatusOr<std::string> SingleEnvelopePayload(absl::string_view body);

// "permission_denied", "invalid_argument", ...
std::string ConnectCode(grpc::StatusCode code);
// The HTTP status Connect gives a unary error with this code.
int ConnectHttpStatus(grpc::StatusCode code);

// {"code":"…","message":"…"}; a JSON object, properly escaped.
std::string ErrorJson(grpc::StatusCode code, absl::string_view message);

// The end-stream envelope's payload: {} or {"error":{…}}.
std::string EndStreamJson(const grpc::Status& status);

}  // namespace werkbank::web

#endif  // WERKBANK_SERVICES_WEB_CONNECT_CODEC_H_
