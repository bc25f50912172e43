// SPDX-License-Identifier: EUPL-1.2
// A handful of werkbank calls made at once for one slicer request, through
// the web server's forwarder (so the role table and the key's limits apply
// as to any client), their results gathered for one answer.
#ifndef WERKBANK_SERVICES_WEB_OCTOPRINT_CALLS_H_
#define WERKBANK_SERVICES_WEB_OCTOPRINT_CALLS_H_

#include <grpcpp/support/status.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "services/web/grpc_forwarder.h"

namespace werkbank::web::octoprint {

struct CallSpec {
  std::string path;  // "/werkbank.v1.Machines/GetMachine"
  std::string wire;  // the request message
  // A server stream (WatchJob): its first message is the answer, then the
  // call is cancelled.
  bool first_message_only = false;
};

struct CallResult {
  grpc::Status status;
  std::string wire;  // the response message when status is OK
};

using CallsDone = std::function<void(std::vector<CallResult>)>;
// Runs `done` on the connection's own thread.
using Poster = std::function<void(std::function<void()>)>;

// Starts every call with `key` as the bearer token; `done` gets their
// results in order once all ended. A forwarder that is shutting down
// answers UNAVAILABLE.
void CallAll(Forwarder& forwarder, const std::string& key,
             std::vector<CallSpec> calls, Poster post, CallsDone done);

}  // namespace werkbank::web::octoprint

#endif  // WERKBANK_SERVICES_WEB_OCTOPRINT_CALLS_H_
