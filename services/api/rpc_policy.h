// SPDX-License-Identifier: EUPL-1.2
// The one place that decides which roles may call which RPC. Every handler
// starts with Authorize(); rules about whose data a caller may touch live in
// the domain services, next to the data.
#ifndef WERKBANK_SERVICES_API_RPC_POLICY_H_
#define WERKBANK_SERVICES_API_RPC_POLICY_H_

#include <grpcpp/server_context.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/access/accounts.h"
#include "services/access/actor.h"

namespace werkbank::api {

// Whether a personal API key (a slicer) may make the call instead of a
// session: never for most; for the few a slicer needs, and those that
// change something are audited as the key's owner.
enum class KeyUse { kNo, kRead, kAudited };

struct RpcRule {
  bool is_public = false;  // no token needed (Login)
  uint32_t roles = 0;      // any of these roles; 0 = any logged-in user
  KeyUse api_key = KeyUse::kNo;
};

// Keyed by "Service/Method", e.g. "Bookings/CreateReservation".
const std::map<std::string, RpcRule>& RpcRules();

// Checks the bearer token in the "authorization" metadata against the rule
// for `method`. UNAUTHENTICATED without a valid token, PERMISSION_DENIED when
// the caller lacks the role or came with an API key the method does not
// take. A public method yields an empty Actor.
absl::StatusOr<access::Actor> Authorize(const grpc::ServerContextBase& context,
                                        const std::string& method,
                                        const access::Accounts& accounts);

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_RPC_POLICY_H_
