// SPDX-License-Identifier: EUPL-1.2
// Pseudo-terminal pairs; see pty.h.
#include "pty.h"

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace werkbank::serial {

absl::StatusOr<Pty> Pty::Create() {
  Pty p;
  p.master_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (p.master_ < 0 || grantpt(p.master_) != 0 || unlockpt(p.master_) != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot create a pseudo-terminal: ", std::strerror(errno)));
  }
  char name[128];
  if (ptsname_r(p.master_, name, sizeof name) != 0) {
    return absl::UnavailableError("cannot name the pseudo-terminal");
  }
  p.slave_path_ = name;
  p.slave_keepalive_ = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (p.slave_keepalive_ < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", name, ": ", std::strerror(errno)));
  }
  termios t{};
  tcgetattr(p.slave_keepalive_, &t);
  cfmakeraw(&t);
  tcsetattr(p.slave_keepalive_, TCSANOW, &t);
  return p;
}

Pty::Pty(Pty&& o) noexcept
    : master_(o.master_),
      slave_keepalive_(o.slave_keepalive_),
      slave_path_(std::move(o.slave_path_)) {
  o.master_ = -1;
  o.slave_keepalive_ = -1;
}

Pty& Pty::operator=(Pty&& o) noexcept {
  if (this != &o) {
    this->~Pty();
    master_ = o.master_;
    slave_keepalive_ = o.slave_keepalive_;
    slave_path_ = std::move(o.slave_path_);
    o.master_ = -1;
    o.slave_keepalive_ = -1;
  }
  return *this;
}

Pty::~Pty() {
  if (slave_keepalive_ >= 0) ::close(slave_keepalive_);
  if (master_ >= 0) ::close(master_);
}

void Pty::Hangup() {
  if (slave_keepalive_ >= 0) ::close(slave_keepalive_);
  slave_keepalive_ = -1;
  if (master_ >= 0) ::close(master_);
  master_ = -1;
}

}  // namespace werkbank::serial
