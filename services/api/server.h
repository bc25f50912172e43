// SPDX-License-Identifier: EUPL-1.2
// The gRPC server: every werkbank service, gRPC health checking and server
// reflection, over TLS (or plaintext on loopback only, when asked for).
#ifndef WERKBANK_SERVICES_API_SERVER_H_
#define WERKBANK_SERVICES_API_SERVER_H_

#include <grpcpp/server.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services.h"

namespace werkbank::api {

struct ServerOptions {
  std::string listen = "127.0.0.1:0";  // host:port; port 0 picks a free one
  bool plaintext = false;              // refused unless host is loopback
  std::string cert_pem;                // TLS certificate and key (PEM)
  std::string key_pem;
};

class ApiServer {
 public:
  // Binds and starts serving. INVALID_ARGUMENT for plaintext off loopback;
  // UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<ApiServer>> Start(
      const ServerOptions& options, Domain& domain);
  ~ApiServer();

  // The port actually bound.
  int port() const { return port_; }

  // A channel into this server that skips the network: the web server
  // forwards its calls through it, so that they meet the same services.
  std::shared_ptr<grpc::Channel> InProcessChannel();

  // Stops accepting calls and waits up to `grace` for running ones.
  void Shutdown(absl::Duration grace);

 private:
  ApiServer() = default;

  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// Whether `host_port` names a loopback address (127.0.0.0/8, ::1, localhost).
bool IsLoopback(const std::string& host_port);

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_SERVER_H_
