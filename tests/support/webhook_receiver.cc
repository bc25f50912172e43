// SPDX-License-Identifier: EUPL-1.2
// The test's webhook receiver; see webhook_receiver.h.
#include "webhook_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace werkbank::testing {

WebhookReceiver::WebhookReceiver() { Start(); }

WebhookReceiver::~WebhookReceiver() { Stop(); }

std::string WebhookReceiver::Url(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

void WebhookReceiver::AnswerWith(int status) {
  absl::MutexLock lock(&mu_);
  status_ = status;
}

void WebhookReceiver::DelayAnswers(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  delay_ = delay;
}

void WebhookReceiver::Start() {
  if (thread_.joinable()) return;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, 16) != 0) {
    std::fprintf(stderr, "webhook receiver: cannot listen: %s\n",
                 std::strerror(errno));
    std::abort();
  }
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  {
    absl::MutexLock lock(&mu_);
    stop_ = false;
  }
  listen_fd_ = fd;
  thread_ = std::thread([this, fd] { Serve(fd); });
}

void WebhookReceiver::Stop() {
  if (!thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
  ::close(listen_fd_);
  listen_fd_ = -1;
}

void WebhookReceiver::Serve(int listen_fd) {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return;
    }
    pollfd p{listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Handle(fd);
    ::close(fd);
  }
}

void WebhookReceiver::Handle(int fd) {
  std::string data;
  char buf[4096];
  size_t header_end = std::string::npos;
  size_t length = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    if (header_end != std::string::npos && data.size() >= header_end + length)
      break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n <= 0) return;
    data.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      const size_t end = data.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      header_end = end + 4;
      for (absl::string_view line :
           absl::StrSplit(absl::string_view(data).substr(0, end), "\r\n")) {
        const size_t colon = line.find(':');
        if (colon == absl::string_view::npos) continue;
        if (absl::AsciiStrToLower(line.substr(0, colon)) == "content-length") {
          (void)absl::SimpleAtoi(
              absl::StripAsciiWhitespace(line.substr(colon + 1)), &length);
        }
      }
    }
  }
  if (header_end == std::string::npos || data.size() < header_end + length)
    return;
  ReceivedRequest r;
  std::vector<std::string> lines =
      absl::StrSplit(data.substr(0, header_end - 4), "\r\n");
  std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
  r.method = first.size() > 0 ? first[0] : "";
  r.target = first.size() > 1 ? first[1] : "";
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    r.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(
            absl::string_view(lines[i]).substr(colon + 1)));
  }
  r.body = data.substr(header_end, length);
  size_t index = 0;
  int status = 200;
  absl::Duration delay;
  {
    absl::MutexLock lock(&mu_);
    requests_.push_back(r);
    index = requests_.size() - 1;
    status = status_;
    delay = delay_;
  }
  absl::SleepFor(delay);
  const std::string answer =
      absl::StrCat("HTTP/1.1 ", status, " ", status < 300 ? "OK" : "Error",
                   "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  if (::write(fd, answer.data(), answer.size()) !=
      static_cast<ssize_t>(answer.size())) {
    return;
  }
  absl::MutexLock lock(&mu_);
  requests_[index].answered = status;
}

std::vector<ReceivedRequest> WebhookReceiver::Requests() {
  absl::MutexLock lock(&mu_);
  return requests_;
}

std::vector<std::string> WebhookReceiver::Delivered() {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& r : requests_) {
    if (r.answered >= 200 && r.answered < 300) out.push_back(r.body);
  }
  return out;
}

bool WebhookReceiver::WaitFor(
    const std::function<bool(const std::vector<ReceivedRequest>&)>& pred,
    absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (pred(Requests())) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return pred(Requests());
}

}  // namespace werkbank::testing
