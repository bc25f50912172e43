// SPDX-License-Identifier: EUPL-1.2
// werkbankd under systemd: READY=1 only once it serves, WATCHDOG=1 from the
// main loop, STOPPING=1 on shutdown, in that order, on a NOTIFY_SOCKET of
// the test's own. And the unit file's hardening stays within the goal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "daemon.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;

class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~NotifySocket() { ::close(fd_); }
  bool bound() const { return bound_; }
  // The next datagram, or "" after `timeout_ms`.
  std::string Next(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return "";
    char buf[512];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

TEST(SystemdE2E, ReadyWatchdogAndStoppingArriveInOrder) {
  TempDir dir;
  NotifySocket sock(dir.File("notify"));
  ASSERT_TRUE(sock.bound());
  auto d = Daemon::Start({.env = {{"NOTIFY_SOCKET", dir.File("notify")},
                                  {"WATCHDOG_USEC", "400000"}}});
  ASSERT_TRUE(d);
  const std::string ready = sock.Next(5000);
  EXPECT_THAT(ready, HasSubstr("READY=1"));
  EXPECT_THAT(ready, HasSubstr("STATUS=serving on " + d->address()));
  // The daemon already answers when it says it is ready.
  EXPECT_FALSE(Login(d->Channel(), "admin", d->admin_password()).empty());
  int watchdogs = 0;
  for (int i = 0; i < 5; ++i) {
    if (sock.Next(1000) == "WATCHDOG=1") ++watchdogs;
  }
  EXPECT_GE(watchdogs, 4);  // every 200 ms
  EXPECT_EQ(d->Stop(), 0);
  std::string last;
  for (std::string msg; !(msg = sock.Next(500)).empty();) last = msg;
  EXPECT_EQ(last, "STOPPING=1");
}

TEST(SystemdE2E, UnderSystemdTheLogIsStructuredForTheJournal) {
  TempDir dir;
  NotifySocket journal(dir.File("journal"));
  ASSERT_TRUE(journal.bound());
  auto d = Daemon::Start(
      {.env = {{"JOURNAL_STREAM", "8:12345"},
               {"WERKBANK_JOURNAL_SOCKET", dir.File("journal")}}});
  ASSERT_TRUE(d);
  std::string entry;
  for (std::string msg; !(msg = journal.Next(2000)).empty();) {
    if (msg.find("first start") != std::string::npos) entry = msg;
  }
  EXPECT_THAT(entry, HasSubstr("PRIORITY=6\n"));
  EXPECT_THAT(entry, HasSubstr("SYSLOG_IDENTIFIER=werkbankd\n"));
  EXPECT_THAT(entry,
              HasSubstr("MESSAGE=first start: created the staff account"));
  EXPECT_THAT(d->log(),
              ::testing::Not(HasSubstr("first start")));  // not on stderr too
  EXPECT_THAT(entry, ::testing::Not(HasSubstr(d->admin_password())));
}

TEST(SystemdE2E, TheUnitIsHardened) {
  RunResult r = RunCommand(
      {"/bin/sh", "-c", "cd " WERKBANK_SOURCE_DIR " && scripts/security-score"},
      "", {}, 60);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Overall exposure level"));
}

}  // namespace
}  // namespace werkbank::testing
