// SPDX-License-Identifier: EUPL-1.2
// The gRPC server: every werkbank service, gRPC health checking and server
// reflection, over TLS (or plaintext on loopback only, when asked for).
#ifndef WERKBANK_SERVICES_API_SERVER_H_
#define WERKBANK_SERVICES_API_SERVER_H_

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "connection_gate.h"
#include "services.h"

namespace werkbank::api {

struct ServerOptions {
  std::string listen = "127.0.0.1:0";  // host:port; port 0 picks a free one
  bool plaintext = false;              // refused unless host is loopback
  std::string cert_pem;                // TLS certificate and key (PEM)
  std::string key_pem;
  // Connections the port holds at once, in total and from one client
  // address (connection_gate.h); 0: no gate, gRPC listens itself.
  int max_connections = 256;
  int max_connections_per_address = 32;
  // A connection that has not finished its TLS handshake after this long is
  // dropped (a LAN client needs milliseconds), and one without a call for
  // `idle_timeout` is closed (the CLI opens one per command; a watch is a
  // call, never idle).
  absl::Duration handshake_timeout = absl::Seconds(5);
  absl::Duration idle_timeout = absl::Minutes(2);
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
  // The gate's counts (all zero without a gate).
  ConnectionGate::Counts connection_counts() const;

  // A channel into this server that skips the network: the web server
  // forwards its calls through it, so that they meet the same services.
  std::shared_ptr<grpc::Channel> InProcessChannel();

  // Stops accepting calls and waits up to `grace` for running ones.
  void Shutdown(absl::Duration grace);

 private:
  ApiServer() = default;

  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<ConnectionGate> gate_;  // before server_: outlives it
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// Whether `host_port` names a loopback address (127.0.0.0/8, ::1, localhost).
bool IsLoopback(const std::string& host_port);

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_SERVER_H_
