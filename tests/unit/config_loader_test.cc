// SPDX-License-Identifier: EUPL-1.2
// Config parsing: the demo config is valid, defaults are filled in, and every
// error names file, line, column and field and says what would be valid.
#include "services/config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "demo_config.h"

namespace werkbank::config {
namespace {

using ::testing::HasSubstr;

constexpr char kValid[] = R"(
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY, TUESDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
machines { id: "laser-1" machine_class: "laser" protocol: "grbl" port: "sim:grbl" }
)";

TEST(ConfigLoader, DemoConfigIsValid) {
  auto cfg = ParseConfig(std::string(DemoConfigText()), "demo");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_EQ(cfg->time_zone(), "Europe/Berlin");
  EXPECT_EQ(cfg->machines_size(), 2);
}

TEST(ConfigLoader, FillsDefaults) {
  auto cfg = ParseConfig(kValid, "lab.textproto");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_EQ(cfg->accounts().token_ttl_seconds(), 43200);
  EXPECT_EQ(cfg->machine_classes(0).booking().slot_minutes(), 30);
  EXPECT_EQ(cfg->machine_classes(0).qualification_valid_days(), 365);
  EXPECT_EQ(cfg->machines(0).baud(), 115200);
  EXPECT_EQ(cfg->machines(0).response_timeout_seconds(), 5);  // GRBL's
  EXPECT_EQ(cfg->server().listen(), "127.0.0.1:7443");
  EXPECT_EQ(cfg->server().max_streams_per_user(), 8);
}

// A zero that means something (cancel until the start, release no-shows at
// the start, check in only from the start, cool a paused print at once, delay
// from the first failed login) stays zero; an unset field takes the default.
TEST(ConfigLoader, AMeaningfulZeroIsKeptAndUnsetTakesTheDefault) {
  auto cfg = ParseConfig(std::string(kValid) + R"(
machine_classes { name: "fdm" booking { cancel_deadline_minutes: 0
  no_show_release_minutes: 0 check_in_early_minutes: 5 } }
jobs { paused_heaters_off_minutes: 0 }
accounts { failed_logins_before_delay: 0 }
machines { id: "p1" machine_class: "fdm" protocol: "marlin" port: "sim:marlin"
  limits { max_bed_c: 0 } }
)",
                         "lab");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  const auto& zero = cfg->machine_classes(1).booking();
  EXPECT_EQ(zero.cancel_deadline_minutes(), 0);
  EXPECT_EQ(zero.no_show_release_minutes(), 0);
  EXPECT_EQ(zero.check_in_early_minutes(), 5);
  EXPECT_EQ(cfg->jobs().paused_heaters_off_minutes(), 0);
  EXPECT_EQ(cfg->accounts().failed_logins_before_delay(), 0);
  EXPECT_TRUE(cfg->machines(1).limits().has_max_bed_c());
  EXPECT_EQ(cfg->machines(1).limits().max_bed_c(),
            0);  // a bed that never heats
  const auto& unset = cfg->machine_classes(0).booking();
  EXPECT_EQ(unset.cancel_deadline_minutes(), 60);
  EXPECT_EQ(unset.no_show_release_minutes(), 15);
  EXPECT_EQ(unset.check_in_early_minutes(), 15);
  EXPECT_EQ(cfg->jobs().staff_unlock_minutes(), 240);
  EXPECT_FALSE(cfg->machines(0).limits().has_max_bed_c());
}

// Where zero makes no sense the config says so, at the line it was written,
// instead of quietly running with the default.
TEST(ConfigLoader, AMeaninglessZeroIsAnErrorNamingLineAndField) {
  auto cfg = ParseConfig(R"(time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" booking { slot_minutes: 0 } }
machines { id: "laser-1" machine_class: "laser" protocol: "grbl" port: "sim:grbl"
  baud: 0
  interlocks { kind: PRESENCE presence_interval_seconds: 0 } }
backups { keep: 0 }
accounts { token_ttl_seconds: 0 }
)",
                         "lab.textproto");
  ASSERT_FALSE(cfg.ok());
  const std::string msg(cfg.status().message());
  EXPECT_THAT(msg,
              HasSubstr("lab.textproto:3:43: machine_classes[0].booking."
                        "slot_minutes: must be between 1 and 1440, not 0"));
  EXPECT_THAT(msg, HasSubstr("(leave it out for the default, 30)"));
  EXPECT_THAT(msg, HasSubstr("lab.textproto:5:3: machines[0].baud: must be "
                             "between"));
  EXPECT_THAT(msg, HasSubstr("lab.textproto:6:31: machines[0].interlocks[0]."
                             "presence_interval_seconds: must be between 1"));
  EXPECT_THAT(msg, HasSubstr("lab.textproto:7:11: backups.keep: must be "
                             "between 1"));
  EXPECT_THAT(msg, HasSubstr("lab.textproto:8:12: accounts.token_ttl_seconds: "
                             "must be between 1"));
}

// Checking in and being released at the same instant leaves nobody a moment
// to check in.
TEST(ConfigLoader, NoMomentToCheckInIsAnError) {
  auto cfg = ParseConfig(std::string(kValid) + R"(
machine_classes { name: "fdm" booking { no_show_release_minutes: 0
  check_in_early_minutes: 0 } }
)",
                         "lab");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(std::string(cfg.status().message()),
              HasSubstr("machine_classes[1].booking.no_show_release_minutes: "
                        "with check_in_early_minutes 0 as well"));
}

TEST(ConfigLoader, StreamLimitOutOfRangeIsAnError) {
  auto cfg = ParseConfig(
      std::string(kValid) + "server { max_streams_per_user: 500 }\n", "lab");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(std::string(cfg.status().message()),
              HasSubstr("server.max_streams_per_user: must be between 1 and "
                        "64, not 500"));
}

TEST(ConfigLoader, UnknownClassNamesFileLineColumnAndField) {
  auto cfg = ParseConfig(R"(time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
machines {
  id: "laser-1"
  machine_class: "lazer"
  protocol: "grbl"
  port: "sim:grbl"
}
)",
                         "/etc/werkbank/werkbank.textproto");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(cfg.status().message()),
              HasSubstr("/etc/werkbank/werkbank.textproto:6:3: "
                        "machines[0].machine_class: unknown machine class "
                        "\"lazer\"; the config defines: laser"));
}

TEST(ConfigLoader, NonexistentTimeZoneIsAnError) {
  std::string text = kValid;
  text.replace(text.find("Europe/Berlin"), 13, "Europe/Atlantis");
  auto cfg = ParseConfig(text, "lab");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(
      std::string(cfg.status().message()),
      HasSubstr("lab:2:1: time_zone: \"Europe/Atlantis\" is not a time zone"));
}

TEST(ConfigLoader, OverlappingOpeningHoursAreAnError) {
  auto cfg = ParseConfig(R"(time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY] open: "09:00" close: "13:00" }
opening_hours { days: [TUESDAY, MONDAY] open: "12:00" close: "18:00" }
machine_classes { name: "fdm" }
)",
                         "lab");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(
      std::string(cfg.status().message()),
      HasSubstr("opening_hours[1].days[1]: opening hours 12:00-18:00 on "
                "MONDAY overlap another opening_hours block"));
}

TEST(ConfigLoader, BadClockAndProtocolAreReportedTogether) {
  auto cfg = ParseConfig(R"(time_zone: "UTC"
opening_hours { days: [MONDAY] open: "9am" close: "18:00" }
machine_classes { name: "fdm" }
machines { id: "p1" machine_class: "fdm" protocol: "octoprint" port: "/dev/ttyACM0" }
machines { id: "p2" machine_class: "fdm" protocol: "marlin" port: "/dev/ttyACM1" kind: "cnc" }
)",
                         "lab");
  ASSERT_FALSE(cfg.ok());
  const std::string msg(cfg.status().message());
  EXPECT_THAT(
      msg,
      HasSubstr(
          "lab:2:32: opening_hours[0].open: \"9am\" is not a time of day"));
  EXPECT_THAT(
      msg, HasSubstr("machines[0].protocol: \"octoprint\" is not a protocol"));
  EXPECT_THAT(msg,
              HasSubstr("machines[1].kind: \"cnc\" is not a kind of machine"));
}

TEST(ConfigLoader, InterlocksThatCannotBeCheckedAreRefused) {
  auto cfg = ParseConfig(R"(time_zone: "UTC"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
machines { id: "l1" machine_class: "laser" protocol: "grbl" port: "sim:grbl"
  interlocks { kind: EXTRACTION source: "sensor" } }
machines { id: "p1" machine_class: "laser" protocol: "marlin" port: "sim:marlin"
  interlocks { kind: DOOR } }
)",
                         "lab");
  ASSERT_FALSE(cfg.ok());
  const std::string msg(cfg.status().message());
  EXPECT_THAT(msg, HasSubstr("machines[0].interlocks[0].source: werkbank "
                             "cannot read an extraction"));
  EXPECT_THAT(msg, HasSubstr("machines[1].interlocks[0].kind: the door "
                             "interlock reads GRBL's door pin"));
}

// Interlocks are enums: a misspelt kind or action, or a kind left out, is
// refused at its line with the values that would be valid; an action left
// out holds.
TEST(ConfigLoader, InterlockKindAndActionAreCheckedByName) {
  const std::string head = R"(time_zone: "UTC"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
machines { id: "l1" machine_class: "laser" protocol: "grbl" port: "sim:grbl"
)";
  auto kind = ParseConfig(head + "  interlocks { kind: DOR } }\n", "lab");
  ASSERT_FALSE(kind.ok());
  EXPECT_THAT(std::string(kind.status().message()),
              HasSubstr("lab:5:26: Unknown enumeration value of \"DOR\""));
  EXPECT_THAT(std::string(kind.status().message()),
              HasSubstr("one of DOOR, EXTRACTION, AIR_ASSIST, PRESENCE, "
                        "THERMAL, RESERVATION, EMERGENCY_STOP"));

  auto action = ParseConfig(
      head + "  interlocks { kind: DOOR action: PAUSE } }\n", "lab");
  ASSERT_FALSE(action.ok());
  EXPECT_THAT(std::string(action.status().message()),
              HasSubstr("an interlock's action is one of HOLD, ABORT, ESTOP"));

  auto quoted = ParseConfig(
      head + "  interlocks { kind: \"door\" action: \"hold\" } }\n", "lab");
  ASSERT_FALSE(quoted.ok());
  EXPECT_THAT(std::string(quoted.status().message()),
              HasSubstr("written without quotes, e.g. kind: DOOR"));

  auto missing =
      ParseConfig(head + "  interlocks { action: ESTOP } }\n", "lab");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("machines[0].interlocks[0].kind: name what the "
                        "interlock watches: kind: one of DOOR,"));

  auto defaulted = ParseConfig(head + "  interlocks { kind: DOOR } }\n", "lab");
  ASSERT_TRUE(defaulted.ok()) << defaulted.status();
  EXPECT_EQ(defaulted->machines(0).interlocks(0).action(),
            v1::InterlockConfig::HOLD);
  EXPECT_EQ(defaulted->machines(0).interlocks(0).source(), "sensor");
}

TEST(ConfigLoader, ScriptsTheFirmwareCannotTakeAreRefused) {
  auto cfg = ParseConfig(R"cfg(time_zone: "UTC"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
machines { id: "l1" machine_class: "laser" protocol: "grbl" port: "sim:grbl"
  scripts { start: "G21" cancel: "M5" } }
machines { id: "p1" machine_class: "laser" protocol: "marlin" port: "sim:marlin"
  scripts { start: "G28\nM104 S300" start: " " cancel: "G1 Z10" safe_state: "M117 )" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" } }
)cfg",
                         "lab");
  ASSERT_FALSE(cfg.ok());
  const std::string msg(cfg.status().message());
  EXPECT_THAT(msg, HasSubstr("lab:5:26: machines[0].scripts.cancel[0]: a GRBL "
                             "machine is stopped with a soft reset"));
  EXPECT_THAT(msg, HasSubstr("machines[1].scripts.start[0]: only printable "
                             "ASCII"));
  EXPECT_THAT(msg, HasSubstr("machines[1].scripts.start[1]: an empty line"));
  EXPECT_THAT(msg, HasSubstr("machines[1].scripts.safe_state[0]: the line has "
                             "90 characters; the firmware takes at most 80"));
  EXPECT_THAT(msg, ::testing::Not(HasSubstr("scripts.cancel[0]: only")));
  EXPECT_THAT(msg, ::testing::Not(HasSubstr("machines[0].scripts.start")));
}

TEST(ConfigLoader, ScriptsPassTheMachinesPreflight) {
  auto cfg = ParseConfig(R"cfg(time_zone: "UTC"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "fdm" }
machines { id: "p1" machine_class: "fdm" protocol: "marlin" port: "sim:marlin"
  envelope { x_mm: 200 y_mm: 200 z_mm: 200 }
  limits { max_hotend_c: 260 max_bed_c: 100 }
  scripts { start: "G28" start: "M104 S300" cancel: "G91" cancel: "G1 Z10 F600"
            cancel: "M500" safe_state: "M107" } }
)cfg",
                         "lab");
  ASSERT_FALSE(cfg.ok());
  const std::string msg(cfg.status().message());
  EXPECT_THAT(msg, HasSubstr("machines[0].scripts.start[1]: fails the "
                             "machine's preflight (temperature)"));
  EXPECT_THAT(msg, HasSubstr("machines[0].scripts.cancel[2]: fails the "
                             "machine's preflight (forbidden)"));
  EXPECT_THAT(msg, ::testing::Not(HasSubstr("start[0]")));
  EXPECT_THAT(msg, ::testing::Not(HasSubstr("cancel[1]")));
  EXPECT_THAT(msg, ::testing::Not(HasSubstr("safe_state")));
}

TEST(ConfigLoader, SyntaxErrorNamesLineAndColumn) {
  auto cfg = ParseConfig("time_zone: \"UTC\"\nmachines { id: }\n", "lab");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(std::string(cfg.status().message()), HasSubstr("lab:2:"));
}

TEST(ConfigLoader, UnknownFieldIsAnError) {
  auto cfg = ParseConfig("time_zone: \"UTC\"\ncolour: \"blue\"\n", "lab");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(std::string(cfg.status().message()), HasSubstr("colour"));
}

TEST(ConfigLoader, ClockParsing) {
  EXPECT_EQ(*ParseClockMinutes("09:30"), 570);
  EXPECT_EQ(*ParseClockMinutes("24:00"), 1440);
  EXPECT_FALSE(ParseClockMinutes("24:30").ok());
  EXPECT_FALSE(ParseClockMinutes("9:30").ok());
}

}  // namespace
}  // namespace werkbank::config

namespace werkbank::config {
namespace {

TEST(ConfigLoader, AnnotatedExampleIsValid) {
  auto cfg = LoadConfigFile(WERKBANK_SOURCE_DIR "/config/example.textproto");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_EQ(cfg->machines_size(), 2);
  EXPECT_EQ(cfg->machine_classes(1).booking().horizon_days(), 28);  // default
}

}  // namespace
}  // namespace werkbank::config
