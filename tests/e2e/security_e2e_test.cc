// SPDX-License-Identifier: EUPL-1.2
// Security properties a lab relies on: secrets never appear in the daemon's
// log or in error messages; an upload's name never becomes a path; uploads,
// pending jobs and the streams one person holds open are limited.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "daemon.h"
#include "werkbank/v1/accounts.grpc.pb.h"
#include "werkbank/v1/jobs.grpc.pb.h"
#include "werkbank/v1/monitor.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSmallLimits[] = R"(
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
machines { id: "laser-1" machine_class: "laser" protocol: "grbl" port: "sim:grbl"
           envelope { x_mm: 600 y_mm: 400 } }
jobs { max_upload_bytes: 4096 max_pending_jobs_per_user: 2 }
)";

grpc::Status Upload(const std::shared_ptr<grpc::Channel>& ch,
                    const std::string& token, const std::string& name,
                    const std::string& content, v1::Job* job) {
  auto ctx = Authed(token);
  auto writer = v1::Jobs::NewStub(ch)->UploadJob(ctx.get(), job);
  v1::UploadJobRequest header;
  header.mutable_header()->set_machine_id("laser-1");
  header.mutable_header()->set_file_name(name);
  writer->Write(header);
  for (size_t pos = 0; pos < content.size(); pos += 1000) {
    v1::UploadJobRequest chunk;
    chunk.set_chunk(content.substr(pos, 1000));
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  return writer->Finish();
}

TEST(SecurityE2E, SecretsNeverReachTheLogOrErrorMessages) {
  TempDir home;
  auto d = Daemon::Start();
  ASSERT_TRUE(d);
  const std::map<std::string, std::string> env = {{"HOME", home.path()},
                                                  {"XDG_CONFIG_HOME", ""}};
  auto cli = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {BinPath("werkbank"), "--server", d->address()});
    return RunCommand(args, input, env);
  };
  const std::string admin_pw = d->admin_password();
  ASSERT_EQ(
      cli({"login", "admin", "--password-stdin"}, admin_pw + "\n").exit_code,
      0);
  ASSERT_EQ(cli({"user", "add", "anna", "--password-stdin"}, "anna-secret-pw\n")
                .exit_code,
            0);
  ASSERT_EQ(cli({"user", "card", "anna", "--uid", "04:AA:BB", "--pin-stdin"},
                "90817\n")
                .exit_code,
            0);
  RunResult wrong =
      cli({"login", "anna", "--password-stdin"}, "anna-wrong-pw\n");
  RunResult wrong_pin =
      cli({"login", "--card", "04:AA:BB", "--pin-stdin"}, "11111\n");
  ASSERT_EQ(
      cli({"login", "--card", "04:AA:BB", "--pin-stdin"}, "90817\n").exit_code,
      0);
  const std::string token_file =
      ReadFileOrEmpty(home.path() + "/.config/werkbank/token");
  const std::string token = token_file.substr(token_file.find('\n') + 1, 43);
  ASSERT_EQ(token.size(), 43u);
  ASSERT_EQ(d->Stop(), 0);
  const std::string log = d->log();
  for (const std::string& secret :
       {admin_pw, std::string("anna-secret-pw"), std::string("anna-wrong-pw"),
        std::string("90817"), std::string("11111"), token}) {
    EXPECT_THAT(log, Not(HasSubstr(secret)))
        << "a secret is in the daemon's log";
    EXPECT_THAT(wrong.err + wrong_pin.err, Not(HasSubstr(secret)));
  }
  // What the daemon keeps: only hashes.
  const std::string db = ReadFileOrEmpty(d->state_dir() + "/werkbank.db") +
                         ReadFileOrEmpty(d->state_dir() + "/werkbank.db-wal");
  EXPECT_THAT(db, Not(HasSubstr("anna-secret-pw")));
  EXPECT_THAT(db, Not(HasSubstr(token)));
}

TEST(SecurityE2E, AnUploadsNameNeverBecomesAPathAndUploadsAreLimited) {
  auto d = Daemon::Start({.config_text = kSmallLimits});
  ASSERT_TRUE(d);
  auto ch = d->Channel();
  const std::string admin = Login(ch, "admin", d->admin_password());
  v1::Job job;
  ASSERT_TRUE(Upload(ch, admin, "../../../../tmp/werkbank-escape.gcode",
                     "G0 X1 Y1\n", &job)
                  .ok());
  EXPECT_EQ(job.file_name(),
            "../../../../tmp/werkbank-escape.gcode");  // shown, never used
  EXPECT_FALSE(std::filesystem::exists("/tmp/werkbank-escape.gcode"));
  EXPECT_TRUE(std::filesystem::exists(d->state_dir() + "/jobs/" + job.sha256() +
                                      ".gcode"));
  EXPECT_EQ(Upload(ch, admin, "bad\x01name", "G0 X1\n", &job).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status big =
      Upload(ch, admin, "big.gcode", std::string(5000, 'G'), &job);
  EXPECT_EQ(big.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(big.error_message(), HasSubstr("4096 bytes"));
  ASSERT_TRUE(Upload(ch, admin, "two.gcode", "G0 X2 Y2\n", &job).ok());
  grpc::Status third = Upload(ch, admin, "three.gcode", "G0 X3 Y3\n", &job);
  EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(third.error_message(), HasSubstr("the limit is 2"));
  // A message larger than the server accepts is refused, and it keeps serving.
  grpc::Status huge =
      Upload(ch, admin, std::string(5 << 20, 'n'), "G0\n", &job);
  EXPECT_EQ(huge.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto accounts = v1::Accounts::NewStub(ch);
  v1::User me;
  auto ctx = Authed(admin);
  EXPECT_TRUE(accounts->WhoAmI(ctx.get(), v1::WhoAmIRequest(), &me).ok());
}

// A lab watch that stays open, as `werkbank watch` holds it.
struct OpenWatch {
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::ClientReader<v1::LabSnapshot>> reader;
  bool first_snapshot = false;

  OpenWatch(const std::shared_ptr<grpc::Channel>& ch, const std::string& token)
      : ctx(Authed(token)) {
    v1::WatchLabRequest req;
    req.set_min_interval_ms(100);
    reader = v1::Monitor::NewStub(ch)->WatchLab(ctx.get(), req);
    v1::LabSnapshot snapshot;
    first_snapshot = reader->Read(&snapshot);
  }
  grpc::Status Close() {
    ctx->TryCancel();
    v1::LabSnapshot snapshot;
    while (reader->Read(&snapshot)) {
    }
    return reader->Finish();
  }
};

// Every open stream holds a server thread: one person cannot hold more than
// the configured number, and others (staff among them) are not affected.
TEST(SecurityE2E, OnePersonsOpenStreamsAreLimited) {
  auto d =
      Daemon::Start({.config_text = std::string(kSmallLimits) +
                                    "server { max_streams_per_user: 2 }\n"});
  ASSERT_TRUE(d);
  auto ch = d->Channel();
  const std::string admin = Login(ch, "admin", d->admin_password());
  const std::string tom =
      Login(ch, "tom", CreateUser(ch, admin, "tom", {"trainer"}));
  OpenWatch first(ch, tom), second(ch, tom);
  ASSERT_TRUE(first.first_snapshot);
  ASSERT_TRUE(second.first_snapshot);
  OpenWatch third(ch, tom);
  EXPECT_FALSE(third.first_snapshot);
  const grpc::Status refused = third.reader->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("2 open streams"));
  v1::Job job;
  EXPECT_EQ(Upload(ch, tom, "cut.gcode", "G0 X1 Y1\n", &job).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  OpenWatch staff(ch, admin);
  EXPECT_TRUE(staff.first_snapshot);
  // A closed stream frees its place (once the server has seen it go).
  first.Close();
  bool reopened = false;
  for (int i = 0; i < 50 && !reopened; ++i) {
    OpenWatch again(ch, tom);
    reopened = again.first_snapshot;
    if (!reopened) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(reopened);
  second.Close();
  staff.Close();
}

}  // namespace
}  // namespace werkbank::testing
