// SPDX-License-Identifier: EUPL-1.2
// The real webhook client; see http_post.h. Each step runs asynchronously
// on a private io_context, so that the stream's deadline bounds it: a
// receiver that never answers costs a worker `timeout` per step, no more.
#include "http_post.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <chrono>
#include <optional>

#include "absl/strings/str_cat.h"

namespace werkbank::webhooks {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Runs the operations started on `ioc` until they finish.
void RunAll(net::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

absl::Status Failed(absl::string_view step, const beast::error_code& ec) {
  if (ec == beast::error::timeout) {
    return absl::DeadlineExceededError(absl::StrCat(step, ": timed out"));
  }
  return absl::UnavailableError(absl::StrCat(step, ": ", ec.message()));
}

// Sends the request and reads the answer on `stream` (plain or TLS).
template <typename Stream>
absl::StatusOr<int> Exchange(net::io_context& ioc, Stream& stream,
                             beast::tcp_stream& tcp_layer,
                             std::chrono::milliseconds timeout,
                             const http::request<http::string_body>& request) {
  beast::error_code ec;
  tcp_layer.expires_after(timeout);
  http::async_write(stream, request,
                    [&](beast::error_code e, size_t) { ec = e; });
  RunAll(ioc);
  if (ec) return Failed("sending", ec);
  beast::flat_buffer buffer;
  // The answer's body is not used; a receiver may send a little of it.
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  tcp_layer.expires_after(timeout);
  http::async_read(stream, buffer, parser,
                   [&](beast::error_code e, size_t) { ec = e; });
  RunAll(ioc);
  if (ec) return Failed("reading the answer", ec);
  return static_cast<int>(parser.get().result_int());
}

}  // namespace

absl::StatusOr<int> BeastPoster::Post(const config::WebhookUrl& url,
                                      const Headers& headers,
                                      const std::string& body) {
  const auto timeout =
      std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout_));
  try {
    net::io_context ioc;
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(
        url.host, url.port,
        [&](beast::error_code e, tcp::resolver::results_type r) {
          ec = e;
          endpoints = std::move(r);
        });
    ioc.restart();
    ioc.run_for(timeout);
    if (!ioc.stopped()) {
      resolver.cancel();
      RunAll(ioc);
      return absl::DeadlineExceededError(
          absl::StrCat("resolving ", url.host, ": timed out"));
    }
    if (ec) return Failed(absl::StrCat("resolving ", url.host), ec);

    http::request<http::string_body> request(http::verb::post, url.target, 11);
    const bool default_port = url.port == (url.tls ? "443" : "80");
    request.set(http::field::host, default_port
                                       ? url.host
                                       : absl::StrCat(url.host, ":", url.port));
    request.set(http::field::user_agent, "werkbank-webhooks");
    request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();

    if (!url.tls) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(timeout);
      stream.async_connect(endpoints, [&](beast::error_code e,
                                          const tcp::endpoint&) { ec = e; });
      RunAll(ioc);
      if (ec) return Failed(absl::StrCat("connecting to ", url.host), ec);
      auto status = Exchange(ioc, stream, stream, timeout, request);
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      return status;
    }

    net::ssl::context tls(net::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(net::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
      return absl::UnavailableError(
          absl::StrCat("cannot set the TLS server name ", url.host));
    }
    stream.set_verify_callback(net::ssl::host_name_verification(url.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).async_connect(
        endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    RunAll(ioc);
    if (ec) return Failed(absl::StrCat("connecting to ", url.host), ec);
    beast::get_lowest_layer(stream).expires_after(timeout);
    stream.async_handshake(net::ssl::stream_base::client,
                           [&](beast::error_code e) { ec = e; });
    RunAll(ioc);
    if (ec) return Failed(absl::StrCat("TLS with ", url.host), ec);
    return Exchange(ioc, stream, beast::get_lowest_layer(stream), timeout,
                    request);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("posting to ", url.host, ": ", e.what()));
  }
}

}  // namespace werkbank::webhooks
