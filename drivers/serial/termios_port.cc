// SPDX-License-Identifier: EUPL-1.2
// SerialPort over POSIX termios, for pseudo-terminals: libserialport 0.1.1
// (Debian 12) looks every port up in /sys/class/tty, where /dev/pts/N is not
// listed, so it cannot open the simulators' devices. Same contract as the
// libserialport implementation.
#include "termios_port.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/mutex.h"

namespace werkbank::serial {
namespace {

speed_t Speed(int baud) {
  switch (baud) {
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 230400:
      return B230400;
    case 250000:
      return B230400;  // not in termios; PTYs ignore the speed
    default:
      return B115200;
  }
}

int PollMillis(absl::Duration d) {
  const int64_t ms = absl::ToInt64Milliseconds(d);
  return ms < 0 ? 0 : static_cast<int>(std::min<int64_t>(ms, 1 << 30));
}

class TermiosPort : public SerialPort {
 public:
  TermiosPort(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~TermiosPort() override { ::close(fd_); }

  absl::Status Write(absl::string_view data, absl::Duration timeout) override
      ABSL_LOCKS_EXCLUDED(write_mu_) {
    MutexLock lock(&write_mu_);
    const absl::Time deadline = absl::Now() + timeout;
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n > 0) {
        done += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EINTR) return Gone("write to");
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        return absl::DeadlineExceededError(
            absl::StrCat(path_, ": the device took only ", done, " of ",
                         data.size(), " bytes in time"));
      }
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, PollMillis(left));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Read(size_t max,
                                   absl::Duration timeout) override {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, PollMillis(timeout));
    if (r < 0 && errno != EINTR) return Gone("poll on");
    if (r <= 0) return std::string();
    std::string buf(max, '\0');
    ssize_t n = ::read(fd_, buf.data(), max);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return std::string();
      return Gone("read from");
    }
    if (n == 0 || (p.revents & (POLLHUP | POLLERR))) {
      if (n == 0)
        return absl::UnavailableError(
            absl::StrCat(path_, ": the device is gone"));
    }
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

 private:
  absl::Status Gone(const char* what) {
    return absl::UnavailableError(
        absl::StrCat(what, " ", path_, ": ", std::strerror(errno)));
  }

  int fd_;
  std::string path_;
  // One writer at a time: the bytes of two writes never interleave.
  Mutex write_mu_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SerialPort>> OpenTermiosPort(
    const std::string& path, int baud) {
  int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && errno == EBUSY) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is already in use by another program"));
  }
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  // TIOCEXCL keeps other openers out (root excepted); the flock also stops
  // a second werkbank process running as root.
  if (::ioctl(fd, TIOCEXCL) != 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is already in use by another program"));
  }
  termios t{};
  if (::tcgetattr(fd, &t) != 0) {
    ::close(fd);
    return absl::UnavailableError(
        absl::StrCat(path, " is not a terminal device"));
  }
  ::cfmakeraw(&t);
  t.c_cflag |= CLOCAL | CREAD;
  t.c_cflag &= ~static_cast<tcflag_t>(CRTSCTS | CSTOPB | PARENB);
  ::cfsetispeed(&t, Speed(baud));
  ::cfsetospeed(&t, Speed(baud));
  if (::tcsetattr(fd, TCSANOW, &t) != 0) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("cannot configure ", path));
  }
  return std::unique_ptr<SerialPort>(new TermiosPort(fd, path));
}

}  // namespace werkbank::serial
