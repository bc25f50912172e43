// SPDX-License-Identifier: EUPL-1.2
// Connect framing and errors; see connect_codec.h.
#include "connect_codec.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/json_text.h"

namespace werkbank::web {

std::string Envelope(uint8_t flags, absl::string_view payload) {
  const auto n = static_cast<uint32_t>(payload.size());
  std::string out;
  out.reserve(5 + payload.size());
  out.push_back(static_cast<char>(flags));
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>(n >> 16));
  out.push_back(static_cast<char>(n >> 8));
  out.push_back(static_cast<char>(n));
  out.append(payload.data(), payload.size());
  return out;
}

absl::StatusOr<std::string> SingleEnvelopePayload(absl::string_view body) {
  if (body.size() < 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a streaming call's body is one enveloped message (5-byte prefix "
        "and JSON); got ",
        body.size(), " bytes"));
  }
  const auto flags = static_cast<uint8_t>(body[0]);
  const uint32_t n =
      static_cast<uint32_t>(static_cast<uint8_t>(body[1])) << 24 |
      static_cast<uint32_t>(static_cast<uint8_t>(body[2])) << 16 |
      static_cast<uint32_t>(static_cast<uint8_t>(body[3])) << 8 |
      static_cast<uint32_t>(static_cast<uint8_t>(body[4]));
  if (flags & kEnvelopeCompressed) {
    return absl::InvalidArgumentError(
        "compressed envelopes are not supported; send the message "
        "uncompressed");
  }
  if (flags != 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("unexpected envelope flags 0x%02x", flags));
  }
  if (n != body.size() - 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("the envelope says ", n, " bytes but ", body.size() - 5,
                     " follow; send exactly one message"));
  }
  return std::string(body.substr(5));
}

std::string ConnectCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "ok";
    case grpc::StatusCode::CANCELLED:
      return "canceled";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "invalid_argument";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "deadline_exceeded";
    case grpc::StatusCode::NOT_FOUND:
      return "not_found";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "already_exists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "permission_denied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "resource_exhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "failed_precondition";
    case grpc::StatusCode::ABORTED:
      return "aborted";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "out_of_range";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "unimplemented";
    case grpc::StatusCode::INTERNAL:
      return "internal";
    case grpc::StatusCode::UNAVAILABLE:
      return "unavailable";
    case grpc::StatusCode::DATA_LOSS:
      return "data_loss";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "unauthenticated";
    default:
      return "unknown";
  }
}

int ConnectHttpStatus(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    default:
      return 500;
  }
}

std::string ErrorJson(grpc::StatusCode code, absl::string_view message) {
  return absl::StrCat("{\"code\":", json::Quote(ConnectCode(code)),
                      ",\"message\":", json::Quote(message), "}");
}

std::string EndStreamJson(const grpc::Status& status) {
  if (status.ok()) return "{}";
  return absl::StrCat(
      "{\"error\":", ErrorJson(status.error_code(), status.error_message()),
      "}");
}

}  // namespace werkbank::web
