// SPDX-License-Identifier: EUPL-1.2
// What every HTTP connection shares: the options, the forwarder to the gRPC
// server and the counters behind the connection and stream caps. Touched
// only on the listener's one Asio thread, except the forwarder.
#ifndef WERKBANK_SERVICES_WEB_WEB_CONTEXT_H_
#define WERKBANK_SERVICES_WEB_WEB_CONTEXT_H_

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "grpc_forwarder.h"
#include "web_server.h"

namespace werkbank::web {

struct WebContext {
  WebOptions options;
  bool tls = true;
  Forwarder* forwarder = nullptr;
  int connections = 0;  // open HTTP connections
  int streams = 0;      // server streams and uploads in progress
};

// Takes over an accepted connection and serves it until it closes; TLS
// when `ssl` is set. Runs on the socket's executor.
void ServeConnection(boost::asio::ip::tcp::socket socket,
                     boost::asio::ssl::context* ssl, WebContext& context);

}  // namespace werkbank::web

#endif  // WERKBANK_SERVICES_WEB_WEB_CONTEXT_H_
