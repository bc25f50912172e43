// SPDX-License-Identifier: EUPL-1.2
// A plain HTTP/1.1 client for the end-to-end tests of werkbankd's web
// surface (Boost.Beast over OpenSSL, trusting exactly the daemon's
// certificate): one connection per request, raw targets sent as written
// (no path normalization), and a reader for Connect server streams.
#ifndef WERKBANK_TESTS_SUPPORT_WEB_CLIENT_H_
#define WERKBANK_TESTS_SUPPORT_WEB_CLIENT_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace werkbank::testing {

struct WebResponse {
  int status = 0;  // 0: no answer (connection refused or closed)
  std::multimap<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::string error;  // transport error, if any

  // The first value of a header, or "".
  std::string Header(const std::string& lowercase_name) const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class WebClient {
 public:
  // TLS pinned to `cert_pem`; plaintext when it is empty.
  WebClient(int port, std::string cert_pem)
      : port_(port), cert_pem_(std::move(cert_pem)) {}

  WebResponse Send(const std::string& method, const std::string& target,
                   const Headers& headers, const std::string& body = "") const;

  // A Connect unary call with JSON; `session` is a cookie value, or "".
  WebResponse Call(const std::string& path, const std::string& json,
                   const std::string& session = "") const;

  // An upload of `size` bytes produced by `fill` (called per 64 KiB chunk
  // with the offset), sent chunked (no Content-Length) when `chunked`.
  WebResponse Upload(const std::string& target, const std::string& session,
                     size_t size,
                     const std::function<void(size_t, std::string&)>& fill,
                     bool chunked) const;

  int port() const { return port_; }
  bool tls() const { return !cert_pem_.empty(); }
  const std::string& cert_pem() const { return cert_pem_; }

 private:
  int port_;
  std::string cert_pem_;
};

// A Connect server stream read on its own thread, envelope by envelope.
class WebStream {
 public:
  WebStream(const WebClient& client, const std::string& path,
            const std::string& json, const std::string& session);
  ~WebStream();

  // Waits until at least `n` messages arrived or the stream ended.
  bool WaitForMessages(size_t n, std::chrono::milliseconds timeout);
  // Waits until the response is complete (end-stream envelope or closed).
  bool WaitForEnd(std::chrono::milliseconds timeout);

  std::vector<std::string> messages();
  std::string end_json();  // the end-stream envelope's JSON, "" if none
  int status();            // the HTTP status
  std::string content_type();

 private:
  void Run(const WebClient& client, std::string path, std::string json,
           std::string session);

  absl::Mutex mu_;
  std::vector<std::string> messages_ ABSL_GUARDED_BY(mu_);
  std::string end_json_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  int status_ ABSL_GUARDED_BY(mu_) = 0;
  std::string content_type_ ABSL_GUARDED_BY(mu_);
  int socket_fd_ ABSL_GUARDED_BY(mu_) = -1;
  std::thread thread_;
};

// The value of the werkbank_session cookie a response sets ("" if none).
std::string SessionCookieOf(const WebResponse& response);

// A JSON string field's value ("" if absent): enough for test assertions.
std::string JsonField(const std::string& json, const std::string& field);

}  // namespace werkbank::testing

#endif  // WERKBANK_TESTS_SUPPORT_WEB_CLIENT_H_
