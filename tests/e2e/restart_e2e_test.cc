// SPDX-License-Identifier: EUPL-1.2
// Nothing acknowledged is lost across a restart, whether the daemon stopped
// cleanly or was killed: users, qualifications, bookings and the audit chain.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "daemon.h"
#include "werkbank/v1/accounts.grpc.pb.h"
#include "werkbank/v1/audit.grpc.pb.h"
#include "werkbank/v1/bookings.grpc.pb.h"
#include "werkbank/v1/trainings.grpc.pb.h"

namespace werkbank::testing {
namespace {

struct Saved {
  std::string admin_password, anna_password;
  int64_t reservation_id = 0;
};

Saved Populate(Daemon& d) {
  Saved s;
  auto ch = d.Channel();
  s.admin_password = d.admin_password();
  const std::string admin = Login(ch, "admin", s.admin_password);
  s.anna_password = CreateUser(ch, admin, "anna", {"participant"});
  v1::RecordBriefingRequest brief;
  brief.set_machine_class("laser");
  brief.add_participant_logins("anna");
  v1::Briefing b;
  auto bctx = Authed(admin);
  EXPECT_TRUE(
      v1::Trainings::NewStub(ch)->RecordBriefing(bctx.get(), brief, &b).ok());
  const std::string anna = Login(ch, "anna", s.anna_password);
  v1::CreateReservationRequest req;
  req.set_machine_id("laser-1");
  *req.mutable_time()->mutable_start() = Ts(BerlinTomorrowAt(11));
  *req.mutable_time()->mutable_end() = Ts(BerlinTomorrowAt(12));
  v1::CreateReservationResponse resp;
  auto rctx = Authed(anna);
  EXPECT_TRUE(v1::Bookings::NewStub(ch)
                  ->CreateReservation(rctx.get(), req, &resp)
                  .ok());
  s.reservation_id = resp.reservations(0).id();
  return s;
}

void ExpectIntact(Daemon& d, const Saved& s) {
  auto ch = d.Channel();
  const std::string admin = Login(ch, "admin", s.admin_password);
  const std::string anna = Login(ch, "anna", s.anna_password);
  v1::ListQualificationsRequest q;
  v1::ListQualificationsResponse quals;
  auto qctx = Authed(anna);
  ASSERT_TRUE(v1::Trainings::NewStub(ch)
                  ->ListQualifications(qctx.get(), q, &quals)
                  .ok());
  ASSERT_EQ(quals.qualifications_size(), 1);
  EXPECT_TRUE(quals.qualifications(0).valid());
  v1::ListReservationsResponse mine;
  auto lctx = Authed(anna);
  ASSERT_TRUE(
      v1::Bookings::NewStub(ch)
          ->ListReservations(lctx.get(), v1::ListReservationsRequest(), &mine)
          .ok());
  ASSERT_EQ(mine.reservations_size(), 1);
  EXPECT_EQ(mine.reservations(0).id(), s.reservation_id);
  v1::VerifyAuditChainResponse verify;
  auto vctx = Authed(admin);
  ASSERT_TRUE(
      v1::Audit::NewStub(ch)
          ->VerifyAuditChain(vctx.get(), v1::VerifyAuditChainRequest(), &verify)
          .ok());
  EXPECT_TRUE(verify.ok()) << verify.problem();
  EXPECT_GE(verify.events_checked(), 6);
}

TEST(RestartE2E, CleanStopAndStartKeepsEverything) {
  TempDir state;
  auto d = Daemon::Start({.state_dir = state.File("s")});
  ASSERT_TRUE(d);
  Saved saved = Populate(*d);
  const std::string fingerprint_cert = d->cert_pem();
  ASSERT_EQ(d->Stop(), 0);
  auto again = Daemon::Start({.state_dir = state.File("s")});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->cert_pem(), fingerprint_cert);  // same TLS identity
  ExpectIntact(*again, saved);
  // The one-time password file is not rewritten on later starts.
  EXPECT_EQ(again->admin_password(), saved.admin_password);
}

TEST(RestartE2E, KillMinus9LosesNothingAcknowledged) {
  TempDir state;
  auto d = Daemon::Start({.state_dir = state.File("s")});
  ASSERT_TRUE(d);
  Saved saved = Populate(*d);
  d->Kill();
  auto again = Daemon::Start({.state_dir = state.File("s")});
  ASSERT_TRUE(again) << "a killed daemon's lock must not block the next start";
  ExpectIntact(*again, saved);
}

TEST(RestartE2E, AnOnlineBackupRestoresIntoANewStateDirectory) {
  TempDir state;
  auto d = Daemon::Start({.state_dir = state.File("s")});
  ASSERT_TRUE(d);
  Saved saved = Populate(*d);
  // The daily backup is made right at start.
  EXPECT_TRUE(std::filesystem::exists(state.File("s/backups")));
  // An online backup through the CLI, while the daemon keeps serving.
  TempDir home;
  const std::map<std::string, std::string> env = {{"HOME", home.path()},
                                                  {"XDG_CONFIG_HOME", ""}};
  ASSERT_EQ(RunCommand({BinPath("werkbank"), "--server", d->address(), "login",
                        "admin", "--password-stdin"},
                       saved.admin_password + "\n", env)
                .exit_code,
            0);
  RunResult backup = RunCommand({BinPath("werkbank"), "--server", d->address(),
                                 "admin", "backup", state.File("copy.db")},
                                "", env);
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_THAT(backup.out, ::testing::HasSubstr("backup of"));
  RunResult refused =
      RunCommand({BinPath("werkbank"), "--server", d->address(), "admin",
                  "backup", state.File("never.db")},
                 "", {{"HOME", state.path()}, {"XDG_CONFIG_HOME", ""}});
  EXPECT_NE(refused.exit_code, 0);  // no session: no backup
  EXPECT_FALSE(std::filesystem::exists(state.File("never.db")));
  // Restore: a new state directory with the copy as its database.
  std::filesystem::create_directories(state.File("restored"));
  std::filesystem::copy_file(state.File("copy.db"),
                             state.File("restored/werkbank.db"));
  auto restored = Daemon::Start({.state_dir = state.File("restored")});
  ASSERT_TRUE(restored);
  ExpectIntact(*restored, saved);
}

}  // namespace
}  // namespace werkbank::testing
