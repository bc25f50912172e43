// SPDX-License-Identifier: EUPL-1.2
// Starting the real daemon for tests; see daemon.h.
#include "daemon.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "absl/time/clock.h"
#include "werkbank/v1/accounts.grpc.pb.h"

namespace werkbank::testing {

std::unique_ptr<Daemon> Daemon::Start(const DaemonOptions& options) {
  std::unique_ptr<Daemon> d(new Daemon());
  d->temp_ = std::make_unique<TempDir>();
  d->state_dir_ =
      options.state_dir.empty() ? d->temp_->File("state") : options.state_dir;
  d->out_path_ = d->temp_->File("werkbankd.out");
  d->err_path_ = d->temp_->File("werkbankd.err");
  std::vector<std::string> argv = {BinPath(options.binary), "--state-dir",
                                   d->state_dir_, "--listen", options.listen};
  if (!options.config_text.empty()) {
    d->config_path_ = d->temp_->File("werkbank.textproto");
    std::ofstream(d->config_path_) << options.config_text;
    argv.push_back("--config");
    argv.push_back(d->config_path_);
  }
  if (!options.web_listen.empty()) {
    argv.push_back("--web-listen");
    argv.push_back(options.web_listen);
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  d->process_ = std::make_unique<Background>(argv, d->out_path_, d->err_path_,
                                             options.env);

  // Wait for the "serving ... on HOST:PORT" line.
  static const std::regex kServing(R"(serving .* on (\S+):(\d+) )");
  // Printed before the serving line.
  static const std::regex kWeb(R"(web app on https?://\S+:(\d+)/)");
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const std::string out = ReadFileOrEmpty(d->out_path_);
    if (std::regex_search(out, m, kServing)) {
      d->port_ = std::stoi(m[2]);
      d->address_ = m[1].str() + ":" + m[2].str();
      if (std::regex_search(out, m, kWeb)) d->web_port_ = std::stoi(m[1]);
      return d;
    }
    if (!d->process_->Running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "werkbankd did not start:\n" << d->log();
  return nullptr;
}

Daemon::~Daemon() {
  if (process_) process_->Stop(SIGKILL, 5);
}

std::string Daemon::cert_pem() const {
  return ReadFileOrEmpty(state_dir_ + "/tls/cert.pem");
}

std::string Daemon::admin_password() const {
  const std::string text =
      ReadFileOrEmpty(state_dir_ + "/initial-admin-password");
  auto pos = text.find("password: ");
  if (pos == std::string::npos) return "";
  std::string pw = text.substr(pos + 10);
  while (!pw.empty() && pw.back() == '\n') pw.pop_back();
  return pw;
}

std::string Daemon::log() const {
  return ReadFileOrEmpty(out_path_) + ReadFileOrEmpty(err_path_);
}

std::shared_ptr<grpc::Channel> Daemon::Channel() const {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = cert_pem();
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("werkbank");
  return grpc::CreateCustomChannel(address_, grpc::SslCredentials(ssl), args);
}

int Daemon::Stop() { return process_->Stop(SIGTERM); }

void Daemon::Signal(int sig) { ::kill(process_->pid(), sig); }

void Daemon::ShiftClock(absl::Duration offset) {
  // Written aside and renamed, so the daemon never reads half a number.
  const std::string path = state_dir_ + "/clock-offset-seconds";
  std::ofstream(path + ".new") << absl::ToDoubleSeconds(offset) << "\n";
  std::filesystem::rename(path + ".new", path);
}

void Daemon::Kill() { process_->Stop(SIGKILL); }

std::unique_ptr<grpc::ClientContext> Authed(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(30));
  return ctx;
}

std::string Login(const std::shared_ptr<grpc::Channel>& channel,
                  const std::string& login, const std::string& password) {
  auto stub = v1::Accounts::NewStub(channel);
  v1::LoginRequest req;
  req.mutable_password()->set_login(login);
  req.mutable_password()->set_password(password);
  v1::LoginResponse resp;
  auto ctx = Authed("");
  grpc::Status s = stub->Login(ctx.get(), req, &resp);
  EXPECT_TRUE(s.ok()) << "login " << login << ": " << s.error_message();
  return resp.token();
}

std::string CreateUser(const std::shared_ptr<grpc::Channel>& channel,
                       const std::string& admin_token, const std::string& login,
                       const std::vector<std::string>& roles) {
  auto stub = v1::Accounts::NewStub(channel);
  v1::CreateUserRequest req;
  req.set_login(login);
  req.set_display_name(login);
  for (const auto& r : roles) {
    req.add_roles(r == "staff"     ? v1::ROLE_STAFF
                  : r == "trainer" ? v1::ROLE_TRAINER
                                   : v1::ROLE_PARTICIPANT);
  }
  req.set_group(v1::USER_GROUP_CITIZEN);
  v1::CreateUserResponse resp;
  auto ctx = Authed(admin_token);
  grpc::Status s = stub->CreateUser(ctx.get(), req, &resp);
  EXPECT_TRUE(s.ok()) << "create " << login << ": " << s.error_message();
  return resp.generated_password();
}

absl::Time BerlinTomorrowAt(int hour, int minute) {
  absl::TimeZone berlin;
  if (!absl::LoadTimeZone("Europe/Berlin", &berlin)) {
    ADD_FAILURE() << "no Europe/Berlin time zone";
  }
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), berlin);
  const absl::CivilDay tomorrow = today + 1;
  return absl::FromCivil(absl::CivilMinute(tomorrow.year(), tomorrow.month(),
                                           tomorrow.day(), hour, minute),
                         berlin);
}

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

}  // namespace werkbank::testing
