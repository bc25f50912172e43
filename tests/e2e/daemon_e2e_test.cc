// SPDX-License-Identifier: EUPL-1.2
// werkbankd as a process: TLS by default with private key files, the first
// staff account, health checking and reflection, one instance per state
// directory, plaintext only on loopback, config errors, clean shutdown.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <fstream>

#include "absl/time/clock.h"
#include "daemon.h"
#include "werkbank/v1/accounts.grpc.pb.h"
#include "werkbank/v1/bookings.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return st.st_mode & 0777;
}

// One unary call by method name with raw request bytes.
grpc::Status RawCall(const std::shared_ptr<grpc::Channel>& channel,
                     const std::string& method, const std::string& request,
                     std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue cq;
  grpc::Slice slice(request);
  grpc::ByteBuffer req(&slice, 1);
  auto call = stub.PrepareUnaryCall(&ctx, method, req, &cq);
  call->StartCall();
  grpc::ByteBuffer resp;
  grpc::Status status;
  call->Finish(&resp, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  std::vector<grpc::Slice> slices;
  if (status.ok() && resp.Dump(&slices).ok()) {
    for (const auto& s : slices) {
      response->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return status;
}

TEST(DaemonE2E, StartsWithTlsPrivateFilesAndAFirstStaffAccount) {
  auto d = Daemon::Start();
  ASSERT_TRUE(d);
  EXPECT_EQ(Mode(d->state_dir() + "/tls/key.pem"), 0600);
  EXPECT_EQ(Mode(d->state_dir() + "/tls/cert.pem"), 0600);
  EXPECT_EQ(Mode(d->state_dir() + "/initial-admin-password"), 0600);
  EXPECT_EQ(Mode(d->state_dir() + "/werkbank.db"), 0600);
  EXPECT_EQ(Mode(d->state_dir()), 0700);
  const std::string password = d->admin_password();
  ASSERT_EQ(password.size(), 16u);
  EXPECT_THAT(d->log(), Not(HasSubstr(password)));
  EXPECT_THAT(d->log(), HasSubstr("(TLS, certificate SHA256:"));
  EXPECT_THAT(d->log(), HasSubstr("initial-admin-password"));
  EXPECT_FALSE(Login(d->Channel(), "admin", password).empty());
}

TEST(DaemonE2E, HealthCheckingAndReflectionAnswer) {
  auto d = Daemon::Start();
  ASSERT_TRUE(d);
  std::string resp;
  grpc::Status s =
      RawCall(d->Channel(), "/grpc.health.v1.Health/Check", "", &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp, std::string("\x08\x01", 2));  // status: SERVING

  grpc::GenericStub stub(d->Channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue cq;
  void* tag;
  bool ok;
  auto call = stub.PrepareCall(
      &ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  grpc::Slice list_services(std::string("\x3a\x00", 2));  // list_services: ""
  grpc::ByteBuffer req(&list_services, 1);
  call->Write(req, reinterpret_cast<void*>(2));
  cq.Next(&tag, &ok);
  grpc::ByteBuffer reply;
  call->Read(&reply, reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  ASSERT_TRUE(ok);
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(reply.Dump(&slices).ok());
  std::string text;
  for (const auto& sl : slices)
    text.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  EXPECT_THAT(text, HasSubstr("werkbank.v1.Bookings"));
  EXPECT_THAT(text, HasSubstr("werkbank.v1.Accounts"));
  ctx.TryCancel();
}

TEST(DaemonE2E, ASecondInstanceOnTheSameStateDirectoryRefuses) {
  auto d = Daemon::Start();
  ASSERT_TRUE(d);
  RunResult second = RunCommand({BinPath("werkbankd"), "--state-dir",
                                 d->state_dir(), "--listen", "127.0.0.1:0"},
                                "", {}, 20);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err, HasSubstr("another werkbankd (pid"));
  EXPECT_THAT(second.err, HasSubstr("is already using this state directory"));
  EXPECT_TRUE(d->Running());
}

TEST(DaemonE2E, PlaintextOnlyOnLoopback) {
  TempDir dir;
  RunResult open =
      RunCommand({BinPath("werkbankd"), "--state-dir", dir.File("s"),
                  "--listen", "0.0.0.0:0", "--plaintext"},
                 "", {}, 20);
  EXPECT_EQ(open.exit_code, 1);
  EXPECT_THAT(open.err,
              HasSubstr("plaintext is allowed on a loopback address only"));

  auto d = Daemon::Start({.extra_args = {"--plaintext"}});
  ASSERT_TRUE(d);
  EXPECT_THAT(d->log(), HasSubstr("plaintext, loopback only"));
}

TEST(DaemonE2E, CheckConfigPrintsOrNamesTheError) {
  TempDir dir;
  RunResult good =
      RunCommand({BinPath("werkbankd"), "--check-config"}, "", {}, 20);
  EXPECT_EQ(good.exit_code, 0);
  EXPECT_THAT(good.out, HasSubstr("token_ttl_seconds: 43200"));
  const std::string path = dir.File("lab.textproto");
  std::ofstream(path)
      << "time_zone: \"Europe/Berlin\"\n"
         "opening_hours { days: [MONDAY] open: \"09:00\" close: \"18:00\" }\n"
         "machine_classes { name: \"laser\" }\n"
         "machines { id: \"l1\" machine_class: \"lazer\" protocol: \"grbl\" "
         "port: \"sim:grbl\" }\n";
  RunResult bad = RunCommand(
      {BinPath("werkbankd"), "--check-config", "--config", path}, "", {}, 20);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr(path + ":4:"));
  EXPECT_THAT(
      bad.err,
      HasSubstr("machines[0].machine_class: unknown machine class \"lazer\""));
  RunResult missing = RunCommand(
      {BinPath("werkbankd"), "--check-config", "--config", dir.File("nope")},
      "", {}, 20);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot read config file"));
}

TEST(DaemonE2E, CheckConfigNamesAWebhookSecretButNeverPrintsIt) {
  TempDir dir;
  const std::string inline_secret = "5f2c9e41d7a8b3f0e6c4a21d";
  const std::string file_secret = "0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a";
  const std::string secret_file = dir.File("hook.secret");
  std::ofstream(secret_file) << file_secret << "\n";
  const std::string path = dir.File("lab.textproto");
  std::ofstream(path) << "time_zone: \"Europe/Berlin\"\n"
                         "opening_hours { days: [MONDAY] open: \"09:00\" "
                         "close: \"18:00\" }\n"
                         "machine_classes { name: \"laser\" }\n"
                         "webhooks { name: \"chat\" url: "
                         "\"http://127.0.0.1:9/hook\" secret: \""
                      << inline_secret
                      << "\" }\n"
                         "webhooks { name: \"erp\" url: "
                         "\"http://127.0.0.1:9/erp\" secret_file: \""
                      << secret_file << "\" }\n";
  RunResult checked = RunCommand(
      {BinPath("werkbankd"), "--check-config", "--config", path}, "", {}, 20);
  ASSERT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_THAT(checked.out, Not(HasSubstr(inline_secret)));
  EXPECT_THAT(checked.out, Not(HasSubstr(file_secret)));
  EXPECT_THAT(checked.out, HasSubstr("# secret: (set, 24 characters)"));
  EXPECT_THAT(checked.out, HasSubstr("secret_file: \"" + secret_file + "\""));
  EXPECT_THAT(checked.out, HasSubstr("name: \"chat\""));
  // Read back as a config, the printed one lacks the key and says so.
  const std::string printed = dir.File("printed.textproto");
  std::ofstream(printed) << checked.out;
  RunResult again =
      RunCommand({BinPath("werkbankd"), "--check-config", "--config", printed},
                 "", {}, 20);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err,
              HasSubstr("give exactly one of secret and secret_file"));
}

TEST(DaemonE2E, SighupChecksTheNewConfigAndReloadsOnlyAValidOne) {
  const std::string config = R"(lab_name: "Before"
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
)";
  auto d = Daemon::Start({.config_text = config});
  ASSERT_TRUE(d);
  const std::string token = Login(d->Channel(), "admin", d->admin_password());
  auto lab_name = [&] {
    auto stub = v1::Bookings::NewStub(d->Channel());
    v1::LabInfo info;
    auto ctx = Authed(token);
    return stub->GetLabInfo(ctx.get(), v1::GetLabInfoRequest(), &info).ok()
               ? info.lab_name()
               : std::string();
  };
  EXPECT_EQ(lab_name(), "Before");
  // A broken config is refused; the daemon keeps serving the old one.
  std::ofstream(d->config_path()) << "time_zone: \"Mars/Olympus\"\n";
  d->Signal(SIGHUP);
  absl::SleepFor(absl::Seconds(1));
  EXPECT_THAT(d->log(),
              HasSubstr("the new config is not valid; keeping the old one"));
  EXPECT_EQ(lab_name(), "Before");
  // A valid one is applied; sessions, data and the TLS identity stay.
  std::string after = config;
  after.replace(after.find("Before"), 6, "After!");
  std::ofstream(d->config_path()) << after;
  d->Signal(SIGHUP);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (lab_name() != "After!" && absl::Now() < deadline)
    absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(lab_name(), "After!") << d->log();
  EXPECT_THAT(d->log(), HasSubstr("restarting with the new config"));
  EXPECT_TRUE(d->Running());
  EXPECT_EQ(d->Stop(), 0);
}

TEST(DaemonE2E, SigtermShutsDownCleanly) {
  auto d = Daemon::Start();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->Stop(), 0);
  EXPECT_THAT(d->log(), HasSubstr("received SIGTERM; shutting down"));
  EXPECT_THAT(d->log(), HasSubstr("werkbankd: stopped"));
}

}  // namespace
}  // namespace werkbank::testing
