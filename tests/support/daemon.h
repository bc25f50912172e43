// SPDX-License-Identifier: EUPL-1.2
// The real werkbankd for end-to-end tests: started on 127.0.0.1:0 with a
// temporary state directory, TLS on, and a gRPC channel that trusts exactly
// the certificate the daemon created.
#ifndef WERKBANK_TESTS_SUPPORT_DAEMON_H_
#define WERKBANK_TESTS_SUPPORT_DAEMON_H_

#include <google/protobuf/timestamp.pb.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "process.h"
#include "temp_dir.h"

namespace werkbank::testing {

struct DaemonOptions {
  std::string config_text;  // empty: the embedded demo lab
  std::string state_dir;    // empty: a fresh temporary one
  std::string listen = "127.0.0.1:0";
  // The web app and HTTP API; empty: the config's web.listen.
  std::string web_listen = "127.0.0.1:0";
  std::vector<std::string> extra_args;
  std::map<std::string, std::string> env;
  // "werkbankd-shifted-clock": a daemon whose clock the test moves with
  // Daemon::ShiftClock (services/daemon/shifted_clock.h).
  std::string binary = "werkbankd";
};

class Daemon {
 public:
  // Starts werkbankd and waits until it serves. Fails the test (and returns
  // nullptr) when it does not come up, printing its log.
  static std::unique_ptr<Daemon> Start(const DaemonOptions& options = {});
  ~Daemon();

  const std::string& address() const { return address_; }
  int port() const { return port_; }
  // The HTTP listener's port (0 when web.disabled).
  int web_port() const { return web_port_; }
  const std::string& state_dir() const { return state_dir_; }
  std::string cert_pem() const;
  std::string admin_password() const;  // from initial-admin-password
  std::string log() const;             // stdout and stderr so far

  // A TLS channel pinned to the daemon's certificate.
  std::shared_ptr<grpc::Channel> Channel() const;

  // The config file written for this daemon ("" for the demo lab).
  const std::string& config_path() const { return config_path_; }
  // Moves a werkbankd-shifted-clock's time `offset` ahead of the real one
  // (it reads the offset within 10 ms).
  void ShiftClock(absl::Duration offset);
  // Sends `sig` without waiting (e.g. SIGHUP).
  void Signal(int sig);

  // SIGTERM and wait; returns the exit code.
  int Stop();
  // SIGKILL: a crash.
  void Kill();
  bool Running() { return process_ && process_->Running(); }
  pid_t pid() const { return process_ ? process_->pid() : -1; }

 private:
  Daemon() = default;
  std::unique_ptr<TempDir> temp_;
  std::string state_dir_;
  std::string out_path_, err_path_;
  std::unique_ptr<Background> process_;
  std::string address_;
  std::string config_path_;
  int port_ = 0;
  int web_port_ = 0;
};

// A context that carries `token` as a bearer token and a 30 s deadline.
std::unique_ptr<grpc::ClientContext> Authed(const std::string& token);

// Logs in and returns the token; fails the test on error.
std::string Login(const std::shared_ptr<grpc::Channel>& channel,
                  const std::string& login, const std::string& password);

// Creates a user as `admin_token` with the given roles ("participant",
// "trainer", "staff") and returns their password.
std::string CreateUser(const std::shared_ptr<grpc::Channel>& channel,
                       const std::string& admin_token, const std::string& login,
                       const std::vector<std::string>& roles);

// Tomorrow at hour:minute on the wall clock in Europe/Berlin (the demo lab's
// zone), for bookings that are always in the future and on the slot grid.
absl::Time BerlinTomorrowAt(int hour, int minute = 0);

google::protobuf::Timestamp Ts(absl::Time t);

}  // namespace werkbank::testing

#endif  // WERKBANK_TESTS_SUPPORT_DAEMON_H_
