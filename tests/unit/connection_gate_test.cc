// SPDX-License-Identifier: EUPL-1.2
// The gRPC port's accept front (services/api/connection_gate.h): who is
// admitted, and that what it relays arrives whole, both ways, with closes.
#include "services/api/connection_gate.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>
#include <vector>

namespace werkbank::api {
namespace {

TEST(Admission, AnAddressBeyondItsShareIsRefused) {
  const ConnectionLimits limits{.max_total = 10, .max_per_address = 3};
  EXPECT_EQ(Admit(limits, 0, 0, false), Admission::kAdmit);
  EXPECT_EQ(Admit(limits, 5, 2, false), Admission::kAdmit);
  EXPECT_EQ(Admit(limits, 5, 3, false), Admission::kRefuse);
  EXPECT_EQ(Admit(limits, 10, 3, true), Admission::kRefuse);
}

TEST(Admission, AFullPortDropsOnlyAConnectionTheServerNeverAnswered) {
  const ConnectionLimits limits{.max_total = 10, .max_per_address = 5};
  EXPECT_EQ(Admit(limits, 10, 0, true), Admission::kAdmitEvictingUnproven);
  EXPECT_EQ(Admit(limits, 10, 4, true), Admission::kAdmitEvictingUnproven);
  // Only working connections: the newcomer waits for a place.
  EXPECT_EQ(Admit(limits, 10, 0, false), Admission::kRefuse);
}

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// The server's side answers every byte with the byte + 1, until the client
// closes; then it closes too.
void Answer(int fd) {
  std::thread([fd] {
    char buf[4096];
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      poll(&p, 1, 10000);
      const ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EAGAIN) continue;
        break;
      }
      for (ssize_t i = 0; i < n; ++i) buf[i] = static_cast<char>(buf[i] + 1);
      for (ssize_t off = 0; off < n;) {
        const ssize_t w =
            send(fd, buf + off, static_cast<size_t>(n - off), MSG_NOSIGNAL);
        if (w < 0) {
          if (errno == EAGAIN) {
            pollfd q{fd, POLLOUT, 0};
            poll(&q, 1, 1000);
            continue;
          }
          close(fd);
          return;
        }
        off += w;
      }
    }
    close(fd);
  }).detach();
}

TEST(ConnectionGate, RelaysEveryByteBothWaysAndFreesThePlaceOnClose) {
  auto gate = ConnectionGate::Listen("127.0.0.1:0",
                                     {.max_total = 16, .max_per_address = 2});
  ASSERT_TRUE(gate.ok()) << gate.status();
  (*gate)->Start(Answer);
  const int port = (*gate)->port();

  // Two megabytes through the relay, read while written.
  const int fd = Connect(port);
  ASSERT_GE(fd, 0);
  std::string sent(2 << 20, '\0');
  for (size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>(i * 7);
  std::thread writer([&] {
    for (size_t off = 0; off < sent.size();) {
      const ssize_t w = send(fd, sent.data() + off, sent.size() - off, 0);
      ASSERT_GT(w, 0);
      off += static_cast<size_t>(w);
    }
    shutdown(fd, SHUT_WR);
  });
  std::string got;
  char buf[65536];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) got.append(buf, buf + n);
  writer.join();
  ASSERT_EQ(got.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    ASSERT_EQ(got[i], static_cast<char>(sent[i] + 1)) << "byte " << i;
  }
  close(fd);

  // The address's two places are free again once the server closed.
  std::vector<int> fds = {Connect(port), Connect(port), Connect(port)};
  char c = 'a';
  ASSERT_EQ(send(fds[0], &c, 1, 0), 1);
  ASSERT_EQ(recv(fds[0], &c, 1, 0), 1);
  EXPECT_EQ(c, 'b');
  // The third is beyond the share: reset.
  EXPECT_LE(recv(fds[2], &c, 1, 0), 0);
  for (int f : fds) close(f);
  (*gate)->Stop();
  EXPECT_EQ((*gate)->counts().open, 0);
  EXPECT_EQ((*gate)->counts().refused, 1);
}

}  // namespace
}  // namespace werkbank::api
