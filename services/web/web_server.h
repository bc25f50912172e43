// SPDX-License-Identifier: EUPL-1.2
// werkbankd's HTTP/1.1 listener (Boost.Beast on one Asio thread): the web
// app's static files, the Connect protocol (JSON) for every werkbank.v1
// service, POST /upload/job for uploads from a browser, and under
// /machines/<id>/ the part of OctoPrint's API that slicers use (octoprint/).
// Calls are forwarded to the gRPC server in-process, so the same code and role
// table answer them.
#ifndef WERKBANK_SERVICES_WEB_WEB_SERVER_H_
#define WERKBANK_SERVICES_WEB_WEB_SERVER_H_

#include <grpcpp/channel.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace werkbank::web {

struct WebOptions {
  std::string listen = "127.0.0.1:0";  // host:port; port 0 picks a free one
  bool plaintext = false;              // refused unless host is loopback
  std::string cert_pem;                // the gRPC server's TLS identity
  std::string key_pem;
  std::string app_dir;  // the built web app
  int max_connections = 256;
  int max_streams = 64;
  int64_t max_request_bytes = 1 << 20;  // JSON calls
  int64_t max_upload_bytes = 50 << 20;  // jobs.max_upload_bytes
  absl::Duration header_timeout = absl::Seconds(10);
  absl::Duration idle_timeout = absl::Seconds(60);
  absl::Duration upload_idle = absl::Seconds(30);
  // The daemon's clock (the slicers' answers say what is booked now).
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

class WebServer {
 public:
  // Binds and starts serving; calls go to `api` (the gRPC server's
  // in-process channel). INVALID_ARGUMENT for plaintext off loopback or a
  // bad certificate; UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(
      const WebOptions& options, std::shared_ptr<grpc::Channel> api);
  ~WebServer();

  // The port actually bound.
  int port() const;

  // Stops accepting, ends every forwarded call and closes the connections.
  // Call before the gRPC server shuts down.
  void Shutdown();

  struct State;

 private:
  WebServer() = default;
  std::unique_ptr<State> state_;
};

}  // namespace werkbank::web

#endif  // WERKBANK_SERVICES_WEB_WEB_SERVER_H_
