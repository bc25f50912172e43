// SPDX-License-Identifier: EUPL-1.2
// SerialPort over libserialport. Every sp_* result is checked and its error
// text read right after the failure.
#include <libserialport.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "base/mutex.h"
#include "serial_port.h"
#include "termios_port.h"

namespace werkbank::serial {
namespace {

absl::Status SpError(const std::string& what, sp_return code) {
  std::string message;
  if (code == SP_ERR_FAIL) {
    char* m = sp_last_error_message();
    message = m ? m : "unknown error";
    sp_free_error_message(m);
  } else if (code == SP_ERR_ARG) {
    message = "invalid argument";
  } else if (code == SP_ERR_MEM) {
    message = "out of memory";
  } else {
    message = "not supported";
  }
  return absl::UnavailableError(absl::StrCat(what, ": ", message));
}

int Millis(absl::Duration d) {
  const int64_t ms = absl::ToInt64Milliseconds(d);
  return ms < 1 ? 1 : static_cast<int>(std::min<int64_t>(ms, 1 << 30));
}

class LibSerialPort : public SerialPort {
 public:
  LibSerialPort(sp_port* port, std::string path)
      : port_(port), path_(std::move(path)) {}
  ~LibSerialPort() override {
    sp_close(port_);
    sp_free_port(port_);
  }

  absl::Status Write(absl::string_view data, absl::Duration timeout) override
      ABSL_LOCKS_EXCLUDED(write_mu_) {
    MutexLock lock(&write_mu_);
    const absl::Time deadline = absl::Now() + timeout;
    size_t done = 0;
    // sp_blocking_write may write less than asked: loop until all is out.
    while (done < data.size()) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        return absl::DeadlineExceededError(
            absl::StrCat(path_, ": the device took only ", done, " of ",
                         data.size(), " bytes in time"));
      }
      const int n = sp_blocking_write(port_, data.data() + done,
                                      data.size() - done, Millis(left));
      if (n < 0)
        return SpError(absl::StrCat("write to ", path_),
                       static_cast<sp_return>(n));
      done += static_cast<size_t>(n);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Read(size_t max,
                                   absl::Duration timeout) override {
    std::string buf(max, '\0');
    const int n =
        sp_blocking_read_next(port_, buf.data(), max, Millis(timeout));
    if (n < 0)
      return SpError(absl::StrCat("read from ", path_),
                     static_cast<sp_return>(n));
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

 private:
  sp_port* port_;
  std::string path_;
  // One writer at a time: the bytes of two writes never interleave.
  Mutex write_mu_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SerialPort>> OpenSerialPort(
    const std::string& path, int baud) {
  // Pseudo-terminals are unknown to libserialport's sysfs lookup; a symlink
  // (udev's stable names) is followed first.
  std::error_code ec;
  const std::string real = std::filesystem::canonical(path, ec).string();
  if (real.rfind("/dev/pts/", 0) == 0) return OpenTermiosPort(real, baud);
  sp_port* port = nullptr;
  if (sp_return r = sp_get_port_by_name(path.c_str(), &port); r != SP_OK) {
    return SpError(absl::StrCat("cannot find serial port ", path), r);
  }
  if (sp_return r = sp_open(port, SP_MODE_READ_WRITE); r != SP_OK) {
    absl::Status s = SpError(absl::StrCat("cannot open ", path), r);
    sp_free_port(port);
    return s;
  }
  int fd = -1;
  if (sp_get_port_handle(port, &fd) == SP_OK && fd >= 0) {
    // Exclusive: a second opener (another daemon, a stray screen session)
    // gets EBUSY instead of stealing bytes.
    if (ioctl(fd, TIOCEXCL) != 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
      sp_close(port);
      sp_free_port(port);
      return absl::FailedPreconditionError(
          absl::StrCat(path, " is already in use by another program"));
    }
  }
  const sp_return config[] = {
      sp_set_baudrate(port, baud),
      sp_set_bits(port, 8),
      sp_set_parity(port, SP_PARITY_NONE),
      sp_set_stopbits(port, 1),
      sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE),
  };
  for (sp_return r : config) {
    if (r != SP_OK) {
      absl::Status s = SpError(absl::StrCat("cannot configure ", path), r);
      sp_close(port);
      sp_free_port(port);
      return s;
    }
  }
  return std::unique_ptr<SerialPort>(new LibSerialPort(port, path));
}

}  // namespace werkbank::serial
