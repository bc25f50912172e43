// SPDX-License-Identifier: EUPL-1.2
// The one mapping from domain errors (absl::Status) to gRPC status codes.
// Codes pass through unchanged except UNKNOWN, which becomes INTERNAL: a
// client never sees UNKNOWN from werkbank.
//
// Every status the daemon itself returns also carries its code and message as
// error details (a google.rpc.Status). That is how a client tells a refusal
// by the daemon (UNAVAILABLE: "laser-1 is offline") from a transport failure
// (UNAVAILABLE: the daemon cannot be reached), which carries none.
#ifndef WERKBANK_SERVICES_API_STATUS_H_
#define WERKBANK_SERVICES_API_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace werkbank::api {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_STATUS_H_
