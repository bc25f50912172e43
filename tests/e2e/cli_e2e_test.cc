// SPDX-License-Identifier: EUPL-1.2
// The real `werkbank` CLI against the real daemon: login with the server
// certificate pinned on first use, users, briefing, booking shown in lab time,
// a refused overlap, JSON output, and refusal when the certificate changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "daemon.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = Daemon::Start();
    ASSERT_TRUE(daemon_);
  }

  RunResult Cli(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(),
                {BinPath("werkbank"), "--server", daemon_->address()});
    return RunCommand(args, input,
                      {{"HOME", home_.path()}, {"XDG_CONFIG_HOME", ""}});
  }

  std::string LocalDate(absl::Time t) {
    absl::TimeZone berlin;
    absl::LoadTimeZone("Europe/Berlin", &berlin);
    return absl::FormatTime("%Y-%m-%d", t, berlin);
  }

  TempDir home_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(CliE2E, TheBookingTour) {
  RunResult login = Cli({"login", "admin", "--password-stdin"},
                        daemon_->admin_password() + "\n");
  ASSERT_EQ(login.exit_code, 0) << login.err;
  EXPECT_THAT(login.out, HasSubstr("logged in"));
  EXPECT_THAT(login.err, HasSubstr("trusting its certificate SHA256:"));
  struct stat st {};
  ASSERT_EQ(::stat((home_.path() + "/.config/werkbank/token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  ASSERT_EQ(Cli({"user", "add", "tina", "--name", "Tina", "--role", "trainer",
                 "--password-stdin"},
                "tina-password\n")
                .exit_code,
            0);
  ASSERT_EQ(Cli({"user", "add", "paul", "--role", "participant", "--group",
                 "school", "--password-stdin"},
                "paul-password\n")
                .exit_code,
            0);

  ASSERT_EQ(
      Cli({"login", "tina", "--password-stdin"}, "tina-password\n").exit_code,
      0);
  RunResult brief =
      Cli({"briefing", "record", "--class", "laser", "--participant", "paul"});
  ASSERT_EQ(brief.exit_code, 0) << brief.err;
  EXPECT_THAT(brief.out, HasSubstr("qualified: paul"));

  ASSERT_EQ(
      Cli({"login", "paul", "--password-stdin"}, "paul-password\n").exit_code,
      0);
  const std::string day = LocalDate(BerlinTomorrowAt(10));
  RunResult book = Cli(
      {"book", "laser-1", "--from", day + " 10:00", "--to", day + " 11:30"});
  ASSERT_EQ(book.exit_code, 0) << book.err;
  EXPECT_THAT(book.out, HasSubstr("booked laser-1"));
  EXPECT_THAT(book.out, HasSubstr(day + " 10:00"));
  EXPECT_THAT(book.out, HasSubstr("- 11:30"));

  RunResult list = Cli({"bookings"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("WHEN (Europe/Berlin)"));
  EXPECT_THAT(list.out, HasSubstr(day + " 10:00"));

  RunResult clash = Cli(
      {"book", "laser-1", "--from", day + " 11:00", "--to", day + " 12:00"});
  EXPECT_EQ(clash.exit_code, 1);
  EXPECT_THAT(clash.err, HasSubstr("conflict: laser-1 is already booked from " +
                                   day + " 10:00"));

  RunResult unqualified = Cli(
      {"book", "printer-1", "--from", day + " 10:00", "--to", day + " 11:00"});
  EXPECT_EQ(unqualified.exit_code, 1);
  EXPECT_THAT(unqualified.err, HasSubstr("not qualified for fdm"));

  RunResult json = Cli({"--json", "bookings"});
  ASSERT_EQ(json.exit_code, 0);
  EXPECT_THAT(json.out, HasSubstr("\"machine_id\": \"laser-1\""));
  EXPECT_THAT(json.out, HasSubstr("\"state\": \"RESERVATION_STATE_BOOKED\""));

  RunResult audit = Cli({"audit", "verify"});
  EXPECT_EQ(audit.exit_code, 1);
  EXPECT_THAT(audit.err, HasSubstr("not allowed"));
  ASSERT_EQ(Cli({"login", "admin", "--password-stdin"},
                daemon_->admin_password() + "\n")
                .exit_code,
            0);
  audit = Cli({"audit", "verify"});
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_THAT(audit.out, HasSubstr("audit chain intact"));
}

TEST_F(CliE2E, PasswdNamingOnesOwnLoginAsksForTheCurrentPassword) {
  ASSERT_EQ(Cli({"login", "admin", "--password-stdin"},
                daemon_->admin_password() + "\n")
                .exit_code,
            0);
  ASSERT_EQ(
      Cli({"user", "add", "tina", "--role", "trainer", "--password-stdin"},
          "tina-password\n")
          .exit_code,
      0);
  // Staff name their own login: the first line read is the current
  // password, the second the new one.
  RunResult wrong = Cli({"passwd", "admin", "--stdin"},
                        "not-the-password\nadmin-new-password\n");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("current password"));
  RunResult own = Cli({"passwd", "admin", "--stdin"},
                      daemon_->admin_password() + "\nadmin-new-password\n");
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_THAT(own.out, HasSubstr("password changed"));
  EXPECT_EQ(Cli({"login", "admin", "--password-stdin"}, "admin-new-password\n")
                .exit_code,
            0);
  // Someone else's: staff are asked for the new password only.
  RunResult other = Cli({"passwd", "tina", "--stdin"}, "tina-new-password\n");
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(Cli({"login", "tina", "--password-stdin"}, "tina-new-password\n")
                .exit_code,
            0);
  // And one's own without a login, as a trainer.
  RunResult mine =
      Cli({"passwd", "--stdin"}, "tina-new-password\ntina-third-password\n");
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
}

TEST_F(CliE2E, UsageErrorsAndBadTimes) {
  ASSERT_EQ(Cli({"login", "admin", "--password-stdin"},
                daemon_->admin_password() + "\n")
                .exit_code,
            0);
  RunResult typo = Cli({"book", "laser-1", "--form", "2026-01-01 10:00"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.err, HasSubstr("unknown option --form"));
  RunResult bad_time =
      Cli({"book", "laser-1", "--from", "tomorrow", "--to", "later"});
  EXPECT_EQ(bad_time.exit_code, 1);
  EXPECT_THAT(bad_time.err, HasSubstr("\"tomorrow\" is not a time"));
  RunResult unknown = Cli({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  RunResult wrong =
      Cli({"login", "admin", "--password-stdin"}, "not-the-password\n");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("login or password is wrong"));
  EXPECT_THAT(wrong.err, Not(HasSubstr("not-the-password")));
}

// `job upload --dry-run` runs the program in the laser's check mode ($C)
// after the preflight and says what the laser made of it.
TEST_F(CliE2E, AnUploadWithDryRunShowsWhatTheLaserSays) {
  ASSERT_EQ(Cli({"login", "admin", "--password-stdin"},
                daemon_->admin_password() + "\n")
                .exit_code,
            0);
  // The demo lab's simulated laser answers once it is connected.
  auto laser_locked = [&] {
    for (absl::string_view line : absl::StrSplit(Cli({"machines"}).out, '\n')) {
      if (absl::StartsWith(line, "laser-1 ") &&
          absl::StrContains(line, " locked")) {
        return true;
      }
    }
    return false;
  };
  for (int i = 0; i < 100 && !laser_locked(); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  const std::string good = home_.File("plate.gcode");
  std::ofstream(good) << "G21 G90\nM4 S300\nG1 X10 Y10 F1000\nG1 X20\nM5\n";
  RunResult ok = Cli({"job", "upload", "laser-1", good, "--dry-run"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("preflight passed"));
  EXPECT_THAT(ok.out, HasSubstr("time: estimated 0:"));  // not yet run
  EXPECT_THAT(ok.out, Not(HasSubstr(", ran ")));
  EXPECT_THAT(ok.out, HasSubstr("dry run on laser-1: the machine accepted "
                                "every line in check mode ($C); nothing moved "
                                "and the beam stayed off"));

  // G43.1 passes preflight; the simulated laser's firmware rejects it.
  const std::string offset = home_.File("offset.gcode");
  std::ofstream(offset) << "G21 G90\nM4 S300\nG1 X10 Y10 F1000\nG43.1 Z0\n"
                           "M5\n";
  RunResult rejected = Cli({"job", "upload", "laser-1", offset, "--dry-run"});
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_THAT(rejected.out, HasSubstr("line 4 [dry run]: the laser rejects "
                                      "this line: error:20"));
  EXPECT_THAT(rejected.out, HasSubstr("dry run on laser-1: the machine "
                                      "rejected 1 line in check mode ($C)"));

  // A program the preflight refuses never reaches the laser.
  const std::string probe = home_.File("probe.gcode");
  std::ofstream(probe) << "G21 G90\nG38.2 Z-5 F100\n";
  RunResult refused = Cli({"job", "upload", "laser-1", probe, "--dry-run"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.out, HasSubstr("line 2 [forbidden]: G38.2 probes"));
  EXPECT_THAT(refused.out, HasSubstr("dry run on laser-1: not run on the "
                                     "machine: the program did not pass "
                                     "preflight"));
}

// The print service from the command line: someone never briefed asks for
// a cut, sees it waiting, and reads why staff declined it.
TEST_F(CliE2E, ThePrintServiceFromTheCommandLine) {
  ASSERT_EQ(Cli({"login", "admin", "--password-stdin"},
                daemon_->admin_password() + "\n")
                .exit_code,
            0);
  ASSERT_EQ(
      Cli({"user", "add", "sam", "--role", "participant", "--password-stdin"},
          "sam-password\n")
          .exit_code,
      0);
  ASSERT_EQ(
      Cli({"login", "sam", "--password-stdin"}, "sam-password\n").exit_code, 0);
  const std::string plate = home_.File("plate.gcode");
  std::ofstream(plate) << "G21 G90\nM4 S300\nG1 X10 Y10 F1000\nG1 X20\nM5\n";
  RunResult asked =
      Cli({"service", "submit", "--class", "laser", "--note", "in oak", plate});
  ASSERT_EQ(asked.exit_code, 0) << asked.err;
  EXPECT_THAT(asked.out, HasSubstr("(plate.gcode) for laser by sam: waiting"));
  EXPECT_THAT(asked.out, HasSubstr("note: in oak"));
  EXPECT_THAT(asked.out, HasSubstr("preflight passed"));
  RunResult start = Cli({"service", "start", "1", "--machine", "laser-1"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_THAT(start.err, HasSubstr("needs one of the roles"));

  ASSERT_EQ(Cli({"login", "admin", "--password-stdin"},
                daemon_->admin_password() + "\n")
                .exit_code,
            0);
  RunResult queue = Cli({"service", "list", "--state", "waiting"});
  ASSERT_EQ(queue.exit_code, 0) << queue.err;
  EXPECT_THAT(queue.out, HasSubstr("plate.gcode"));
  EXPECT_THAT(queue.out, HasSubstr("in oak"));
  EXPECT_EQ(Cli({"service", "list", "--state", "sleeping"}).exit_code, 2);
  RunResult no_reason = Cli({"service", "decline", "1"});
  EXPECT_EQ(no_reason.exit_code, 1);
  EXPECT_THAT(no_reason.err, HasSubstr("reason is required"));
  ASSERT_EQ(
      Cli({"service", "decline", "1", "--reason", "no oak left"}).exit_code, 0);

  ASSERT_EQ(
      Cli({"login", "sam", "--password-stdin"}, "sam-password\n").exit_code, 0);
  RunResult seen = Cli({"service", "show", "1"});
  ASSERT_EQ(seen.exit_code, 0) << seen.err;
  EXPECT_THAT(seen.out, HasSubstr("declined by admin: no oak left"));
}

// A machine that is offline is the daemon's answer (exit 1, its message);
// only a daemon that does not answer is "cannot reach" (exit 3).
TEST_F(CliE2E, AnOfflineMachineIsARefusalNotAnUnreachableDaemon) {
  ASSERT_EQ(daemon_->Stop(), 0);
  daemon_ = Daemon::Start({.config_text = R"(
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY] open: "00:00" close: "24:00" }
machine_classes { name: "laser" }
machines { id: "laser-1" machine_class: "laser" protocol: "grbl"
           port: "/nonexistent/werkbank-laser-1" }
)"});
  ASSERT_TRUE(daemon_);
  ASSERT_EQ(Cli({"login", "admin", "--password-stdin"},
                daemon_->admin_password() + "\n")
                .exit_code,
            0);
  RunResult offline = Cli({"unlock", "laser-1"});
  EXPECT_EQ(offline.exit_code, 1) << offline.err;
  EXPECT_THAT(offline.err, HasSubstr("werkbank: unavailable: laser-1 is "
                                     "offline"));
  EXPECT_THAT(offline.err, Not(HasSubstr("cannot reach")));

  ASSERT_EQ(daemon_->Stop(), 0);
  RunResult gone = Cli({"machines"});
  EXPECT_EQ(gone.exit_code, 3);
  EXPECT_THAT(gone.err, HasSubstr("cannot reach werkbankd"));
}

TEST_F(CliE2E, AChangedServerCertificateIsRefused) {
  ASSERT_EQ(Cli({"login", "admin", "--password-stdin"},
                daemon_->admin_password() + "\n")
                .exit_code,
            0);
  ASSERT_EQ(Cli({"whoami"}).exit_code, 0);
  // Another daemon with a new key takes over the same address.
  const std::string address = daemon_->address();
  ASSERT_EQ(daemon_->Stop(), 0);
  daemon_ = Daemon::Start({.listen = address});
  ASSERT_TRUE(daemon_);
  RunResult r = Cli({"whoami"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("has CHANGED"));
  EXPECT_THAT(r.err, HasSubstr("Refusing to connect"));
}

}  // namespace
}  // namespace werkbank::testing
