// SPDX-License-Identifier: EUPL-1.2
// The tests' HTTP client; see web_client.h.
#include "web_client.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace werkbank::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using net::ip::tcp;

// Connects (and shakes hands on TLS), then runs `fn` with the stream.
template <class Fn>
void WithStream(const WebClient& c, Fn fn, std::string* error,
                int* fd = nullptr,
                const std::function<void(int)>& on_socket = nullptr) {
  net::io_context io;
  tcp::socket socket(io);
  beast::error_code ec;
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"),
                               static_cast<unsigned short>(c.port())),
                 ec);
  if (ec) {
    *error = "connect: " + ec.message();
    return;
  }
  if (fd) *fd = socket.native_handle();
  if (on_socket) on_socket(socket.native_handle());
  if (!c.tls()) {
    fn(socket);
    return;
  }
  net::ssl::context ssl(net::ssl::context::tls_client);
  ssl.add_certificate_authority(
      net::buffer(c.cert_pem().data(), c.cert_pem().size()), ec);
  ssl.set_verify_mode(net::ssl::verify_peer);
  net::ssl::stream<tcp::socket&> stream(socket, ssl);
  stream.handshake(net::ssl::stream_base::client, ec);
  if (ec) {
    *error = "TLS handshake: " + ec.message();
    return;
  }
  fn(stream);
}

void CopyHeaders(const http::fields& fields, WebResponse& r) {
  for (const auto& f : fields) {
    r.headers.emplace(absl::AsciiStrToLower(std::string(f.name_string())),
                      std::string(f.value()));
  }
}

// The headers of a Connect request from the web app: its protocol header,
// `content_type` and, when given, the session cookie.
template <class Body>
void SetConnectHeaders(http::request<Body>& req,
                       const std::string& content_type,
                       const std::string& session) {
  req.set(http::field::host, "localhost");
  req.set("Connect-Protocol-Version", "1");
  req.set(http::field::content_type, content_type);
  if (!session.empty()) {
    req.set(http::field::cookie, "werkbank_session=" + session);
  }
}

// Reads the answer into `r`: its status, headers and body (what came of it
// when the connection ended early), or the error when not even its headers
// came.
template <class Stream>
void ReadResponse(Stream& stream, WebResponse& r) {
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  beast::error_code ec;
  http::read(stream, buffer, parser, ec);
  if (ec && !parser.is_header_done()) {
    r.error = ec.message();
    return;
  }
  r.status = parser.get().result_int();
  CopyHeaders(parser.get(), r);
  r.body = parser.get().body();
}

}  // namespace

std::string WebResponse::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

WebResponse WebClient::Send(const std::string& method,
                            const std::string& target, const Headers& headers,
                            const std::string& body) const {
  WebResponse r;
  WithStream(
      *this,
      [&](auto& stream) {
        http::request<http::string_body> req;
        req.method_string(method);
        req.target(target);
        req.version(11);
        req.set(http::field::host, "localhost");
        for (const auto& [k, v] : headers) req.set(k, v);
        req.body() = body;
        if (method != "GET" || !body.empty()) req.prepare_payload();
        beast::error_code ec;
        http::write(stream, req, ec);
        ReadResponse(stream, r);
      },
      &r.error);
  return r;
}

WebResponse WebClient::Call(const std::string& path, const std::string& json,
                            const std::string& session) const {
  Headers h = {{"Content-Type", "application/json"},
               {"Connect-Protocol-Version", "1"}};
  if (!session.empty()) h.push_back({"Cookie", "werkbank_session=" + session});
  return Send("POST", path, h, json);
}

WebResponse WebClient::Upload(
    const std::string& target, const std::string& session, size_t size,
    const std::function<void(size_t, std::string&)>& fill, bool chunked) const {
  WebResponse r;
  WithStream(
      *this,
      [&](auto& stream) {
        http::request<http::empty_body> req{http::verb::post, target, 11};
        SetConnectHeaders(req, "application/octet-stream", session);
        if (chunked) {
          req.chunked(true);
        } else {
          req.content_length(size);
        }
        beast::error_code ec;
        http::request_serializer<http::empty_body> sr{req};
        http::write_header(stream, sr, ec);
        std::string chunk;
        for (size_t off = 0; off < size && !ec; off += 64 * 1024) {
          chunk.resize(std::min<size_t>(64 * 1024, size - off));
          fill(off, chunk);
          if (chunked) {
            net::write(stream, http::make_chunk(net::buffer(chunk)), ec);
          } else {
            net::write(stream, net::buffer(chunk), ec);
          }
        }
        if (chunked && !ec) net::write(stream, http::make_chunk_last(), ec);
        // Read the answer even when the daemon stopped the upload early.
        ReadResponse(stream, r);
      },
      &r.error);
  return r;
}

WebStream::WebStream(const WebClient& client, const std::string& path,
                     const std::string& json, const std::string& session) {
  thread_ = std::thread([this, client, path, json, session] {
    Run(client, path, json, session);
  });
}

WebStream::~WebStream() {
  {
    absl::MutexLock lock(&mu_);
    if (socket_fd_ >= 0) ::shutdown(socket_fd_, SHUT_RDWR);
  }
  thread_.join();
}

void WebStream::Run(const WebClient& client, std::string path, std::string json,
                    std::string session) {
  std::string error;
  WithStream(
      client,
      [&](auto& stream) {
        http::request<http::string_body> req{http::verb::post, path, 11};
        SetConnectHeaders(req, "application/connect+json", session);
        std::string env(5, '\0');
        const auto n = static_cast<uint32_t>(json.size());
        env[1] = static_cast<char>(n >> 24);
        env[2] = static_cast<char>(n >> 16);
        env[3] = static_cast<char>(n >> 8);
        env[4] = static_cast<char>(n);
        req.body() = env + json;
        req.prepare_payload();
        beast::error_code ec;
        http::write(stream, req, ec);
        beast::flat_buffer buffer;
        http::response_parser<http::buffer_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        http::read_header(stream, buffer, parser, ec);
        if (ec) return;
        {
          absl::MutexLock lock(&mu_);
          status_ = parser.get().result_int();
          content_type_ = std::string(parser.get()[http::field::content_type]);
        }
        std::string pending;
        char buf[4096];
        while (!parser.is_done()) {
          parser.get().body().data = buf;
          parser.get().body().size = sizeof buf;
          http::read(stream, buffer, parser, ec);
          if (ec == http::error::need_buffer) ec = {};
          if (ec) break;
          pending.append(buf, sizeof buf - parser.get().body().size);
          while (pending.size() >= 5) {
            const uint32_t len =
                static_cast<uint32_t>(static_cast<uint8_t>(pending[1])) << 24 |
                static_cast<uint32_t>(static_cast<uint8_t>(pending[2])) << 16 |
                static_cast<uint32_t>(static_cast<uint8_t>(pending[3])) << 8 |
                static_cast<uint32_t>(static_cast<uint8_t>(pending[4]));
            if (pending.size() < 5 + len) break;
            const bool end = (pending[0] & 0x02) != 0;
            std::string payload = pending.substr(5, len);
            pending.erase(0, 5 + len);
            absl::MutexLock lock(&mu_);
            if (end) {
              end_json_ = payload;
            } else {
              messages_.push_back(payload);
            }
          }
        }
      },
      &error, nullptr,
      [this](int fd) {
        absl::MutexLock lock(&mu_);
        socket_fd_ = fd;
      });
  absl::MutexLock lock(&mu_);
  socket_fd_ = -1;
  ended_ = true;
}

bool WebStream::WaitForMessages(size_t n, std::chrono::milliseconds timeout) {
  absl::MutexLock lock(&mu_);
  auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return messages_.size() >= n || ended_;
  };
  mu_.AwaitWithTimeout(absl::Condition(&enough), absl::FromChrono(timeout));
  return messages_.size() >= n;
}

bool WebStream::WaitForEnd(std::chrono::milliseconds timeout) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&ended_),
                              absl::FromChrono(timeout));
}

std::vector<std::string> WebStream::messages() {
  absl::MutexLock lock(&mu_);
  return messages_;
}

std::string WebStream::end_json() {
  absl::MutexLock lock(&mu_);
  return end_json_;
}

int WebStream::status() {
  absl::MutexLock lock(&mu_);
  return status_;
}

std::string WebStream::content_type() {
  absl::MutexLock lock(&mu_);
  return content_type_;
}

std::string SessionCookieOf(const WebResponse& response) {
  auto range = response.headers.equal_range("set-cookie");
  for (auto it = range.first; it != range.second; ++it) {
    constexpr absl::string_view kName = "werkbank_session=";
    if (!absl::StartsWith(it->second, kName)) continue;
    std::string rest = it->second.substr(kName.size());
    return rest.substr(0, rest.find(';'));
  }
  return "";
}

std::string JsonField(const std::string& json, const std::string& field) {
  const std::string key = "\"" + field + "\":\"";
  auto pos = json.find(key);
  if (pos == std::string::npos) return "";
  pos += key.size();
  auto end = json.find('"', pos);
  return json.substr(pos, end - pos);
}

}  // namespace werkbank::testing
