// SPDX-License-Identifier: EUPL-1.2
// The listener: binds, accepts within the connection cap and hands each
// connection to ServeConnection on the one Asio thread; see web_server.h.
#include "web_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <optional>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/api/server.h"
#include "web_context.h"

namespace werkbank::web {

namespace net = boost::asio;
using net::ip::tcp;

struct WebServer::State {
  // Declared before the loop, so that connections still queued in it are
  // destroyed while what they use is alive.
  std::optional<net::ssl::context> ssl;
  std::unique_ptr<Forwarder> forwarder;
  WebContext context;
  net::io_context io{1};
  std::optional<tcp::acceptor> acceptor;
  std::thread thread;
  int port = 0;
  bool stopped = false;

  void Accept() {
    acceptor->async_accept([this](boost::system::error_code ec,
                                  tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
      if (!ec) {
        if (context.connections >= context.options.max_connections) {
          // Over the cap: closed at once, before any TLS work.
          boost::system::error_code ignored;
          socket.close(ignored);
        } else {
          ServeConnection(std::move(socket), ssl ? &*ssl : nullptr, context);
        }
      }
      Accept();
    });
  }
};

namespace {

absl::StatusOr<tcp::endpoint> ParseEndpoint(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", listen, "\" is not host:port"));
  }
  std::string host = listen.substr(0, colon);
  int port = 0;
  if (!absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", listen, "\" has no valid port"));
  }
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", host, "\" is not an IP address (web.listen takes one)"));
  }
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

}  // namespace

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(
    const WebOptions& options, std::shared_ptr<grpc::Channel> api) {
  if (options.plaintext && !api::IsLoopback(options.listen)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "plaintext HTTP is allowed on a loopback address only, not on ",
        options.listen));
  }
  auto endpoint = ParseEndpoint(options.listen);
  if (!endpoint.ok()) return endpoint.status();

  std::unique_ptr<WebServer> server(new WebServer());
  server->state_ = std::make_unique<State>();
  State& s = *server->state_;
  s.context.options = options;
  s.context.tls = !options.plaintext;
  if (!options.plaintext) {
    s.ssl.emplace(net::ssl::context::tls_server);
    s.ssl->set_options(
        net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
        net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
        net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    boost::system::error_code ec;
    s.ssl->use_certificate_chain(
        net::buffer(options.cert_pem.data(), options.cert_pem.size()), ec);
    if (!ec) {
      s.ssl->use_private_key(
          net::buffer(options.key_pem.data(), options.key_pem.size()),
          net::ssl::context::pem, ec);
    }
    if (ec) {
      return absl::InvalidArgumentError(
          absl::StrCat("the TLS key or certificate is not usable for HTTPS: ",
                       ec.message()));
    }
  }

  boost::system::error_code ec;
  s.acceptor.emplace(s.io);
  s.acceptor->open(endpoint->protocol(), ec);
  if (!ec) s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(*endpoint, ec);
  if (!ec) s.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for HTTP on ", options.listen, ": ",
                     ec.message(), " (set web.listen, or web.disabled: true)"));
  }
  s.port = s.acceptor->local_endpoint().port();
  s.forwarder = std::make_unique<Forwarder>(std::move(api));
  s.context.forwarder = s.forwarder.get();
  s.Accept();
  s.thread = std::thread([&s] { s.io.run(); });
  return server;
}

int WebServer::port() const { return state_->port; }

void WebServer::Shutdown() {
  if (!state_ || state_->stopped) return;
  State& s = *state_;
  s.stopped = true;
  net::post(s.io, [&s] {
    boost::system::error_code ignored;
    s.acceptor->close(ignored);
  });
  // Ends every forwarded call (streams first of all) while the gRPC server
  // still runs; then the connections go with the loop.
  s.forwarder->Shutdown();
  s.io.stop();
  s.thread.join();
}

WebServer::~WebServer() { Shutdown(); }

}  // namespace werkbank::web
