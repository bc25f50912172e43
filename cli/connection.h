// SPDX-License-Identifier: EUPL-1.2
// How the CLI reaches werkbankd: the server address, TLS with the server's
// certificate pinned on first use (like ssh), or a CA file, and the session
// token saved by `werkbank login`.
//
// Files in the user's config directory ($XDG_CONFIG_HOME/werkbank or
// ~/.config/werkbank), all 0600:
//   server                    the address used last
//   token                     the bearer token of the current session
//   known_servers/<addr>.pem  the pinned certificate of each server
#ifndef WERKBANK_CLI_CONNECTION_H_
#define WERKBANK_CLI_CONNECTION_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace werkbank::cli {

struct ConnectionOptions {
  std::string server;   // empty: $WERKBANK_SERVER, saved server, 127.0.0.1:7443
  std::string ca_file;  // verify against this CA instead of pinning
  bool plaintext = false;
};

class Connection {
 public:
  static absl::StatusOr<Connection> Open(const ConnectionOptions& options);

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  const std::string& server() const { return server_; }

  // A context carrying the saved token (if any) and a deadline.
  std::unique_ptr<grpc::ClientContext> Context() const;

  void SaveSession(const std::string& token) const;
  void ForgetSession() const;

  // After a call failed with UNAVAILABLE: a clear message when the server's
  // certificate no longer matches the pinned one, else empty.
  std::string DiagnoseUnavailable() const;

 private:
  std::string server_;
  std::string token_;
  std::string pinned_path_;
  std::shared_ptr<grpc::Channel> channel_;
};

// The config directory, created (0700) on demand.
std::string ConfigDir();

// The certificate a TLS server presents, as PEM, fetched without verifying it.
absl::StatusOr<std::string> FetchServerCertificate(const std::string& server);

}  // namespace werkbank::cli

#endif  // WERKBANK_CLI_CONNECTION_H_
