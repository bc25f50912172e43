// SPDX-License-Identifier: EUPL-1.2
// The Marlin host protocol as a state machine, without threads or a port:
// the exact lines on the wire for the handshake, a job, a second job, a
// cancel, resends, lost acknowledgements and the firmware's many ways of
// saying "error". Time is passed in, so timeouts are tested without waiting.
#include "drivers/marlin/marlin_host.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace werkbank::marlin {
namespace {

using stream::Outcome;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1790000000);

// The command inside "N12 G1 X5*71".
std::string CommandOf(const std::string& numbered) {
  std::string c = numbered;
  if (!c.empty() && c.back() == '\n') c.pop_back();
  if (c.empty() || c[0] != 'N') return c;
  c = c.substr(c.find(' ') + 1);
  return c.substr(0, c.rfind('*'));
}

// Plays a firmware that accepts and acknowledges every line at once, and
// answers M503 with `m503` before its ok; returns the commands it got, in
// order.
std::vector<std::string> Exchange(MarlinHost& host, absl::Time& now,
                                  int max_lines = 10000,
                                  const std::vector<std::string>& m503 = {}) {
  std::vector<std::string> wire;
  for (int i = 0; i < max_lines; ++i) {
    const std::string out = host.Poll(now);
    if (out.empty()) break;
    for (absl::string_view l : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
      wire.push_back(CommandOf(std::string(l)));
      if (wire.back() == "M503") {
        for (const std::string& r : m503) host.OnLine(r, now);
      }
      if (absl::StartsWith(l, "N")) host.OnLine("ok", now);
    }
    now += absl::Milliseconds(1);
  }
  return wire;
}

TEST(MarlinHost, NumberedLinesCarryTheXorChecksum) {
  // The example from Marlin's documentation of the host protocol.
  EXPECT_EQ(NumberedLine(3, "T0"), "N3 T0*57");
}

TEST(MarlinHost, TemperatureReportsWithAndWithoutTargets) {
  auto t = ParseTemperatures("ok T:210.3 /215.0 B:59.8 /60.0 @:127 B@:0");
  ASSERT_TRUE(t.has_value());
  EXPECT_DOUBLE_EQ(t->hotend, 210.3);
  EXPECT_EQ(t->hotend_target, 215.0);
  EXPECT_EQ(t->bed_target, 60.0);
  auto bare = ParseTemperatures("T:21.30 B:20.10");
  ASSERT_TRUE(bare.has_value());
  EXPECT_FALSE(bare->hotend_target.has_value());
  EXPECT_FALSE(bare->bed_target.has_value());
  EXPECT_EQ(bare->bed, 20.1);
  EXPECT_FALSE(ParseTemperatures("ok").has_value());
}

TEST(MarlinHost, TheConnectSequenceIsFixedAndSafeStateComesBeforeAnything) {
  MarlinHost host({.safe_state_script = {"M106 S0"}});
  absl::Time now = kT0;
  EXPECT_FALSE(host.ready());
  const auto wire = Exchange(host, now);
  EXPECT_THAT(wire, ElementsAre("M110 N0", "M104 S0", "M140 S0", "M107", "M84",
                                "M106 S0", "M115", "M503", "M105"));
  EXPECT_TRUE(host.ready());
}

const std::vector<std::string> kReport = {
    "echo:; Maximum feedrates (units/s):",
    "echo:  M203 X250.00 Y200.00 Z8.00 E25.00",
    "echo:; Maximum Acceleration (units/s2):",
    "echo:  M201 X1500.00 Y1200.00 Z80.00 E10000.00",
    "echo:  M204 P1250.00 R1250.00 T2000.00"};

TEST(MarlinHost, JobLinesWaitUntilTheSettingsReportIsComplete) {
  MarlinHost host({.window = 4});
  absl::Time now = kT0;
  // Every handshake line is answered at once except M503, which the
  // firmware is still answering when a job starts.
  std::vector<std::string> wire;
  for (int i = 0; i < 20; ++i) {
    const std::string out = host.Poll(now);
    for (absl::string_view l : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
      wire.push_back(CommandOf(std::string(l)));
      if (wire.back() != "M503") host.OnLine("ok", now);
    }
    now += absl::Milliseconds(1);
  }
  ASSERT_EQ(wire.back(), "M503");
  EXPECT_FALSE(host.ready());
  host.StartJob({"G1 X1", "G1 X2", "G1 X3"}, now);
  host.OnLine(kReport[0], now);
  host.OnLine(kReport[1], now);
  EXPECT_EQ(host.Poll(now), "") << "a job line went out during the report";
  for (size_t i = 2; i < kReport.size(); ++i) host.OnLine(kReport[i], now);
  EXPECT_EQ(host.Poll(now), "");
  host.OnLine("ok", now);  // the end of M503's answer
  EXPECT_TRUE(host.ready());
  const stream::MotionSettings m = host.motion_settings();
  EXPECT_EQ(m.max_rate_mm_min[0], 15000);  // 250 mm/s
  EXPECT_EQ(m.max_rate_mm_min[2], 480);
  EXPECT_EQ(m.acceleration_mm_s2[1], 1200);
  EXPECT_EQ(m.print_acceleration_mm_s2, 1250);
  EXPECT_EQ(m.travel_acceleration_mm_s2, 2000);
  EXPECT_EQ(host.motion_unreported(), "");
  const auto job_wire = Exchange(host, now);
  EXPECT_THAT(job_wire, ::testing::IsSupersetOf({"G1 X1", "G1 X2", "G1 X3"}));
  EXPECT_THAT(job_wire, ::testing::Not(::testing::Contains("M503")));
  EXPECT_EQ(host.outcome(), Outcome::kCompleted);
  EXPECT_EQ(host.lines_total(), 3);
  EXPECT_EQ(host.lines_acknowledged(), 3);
}

TEST(MarlinHost, AFirmwareResetReadsTheSettingsAgain) {
  MarlinHost host;
  absl::Time now = kT0;
  Exchange(host, now, 10000, kReport);
  ASSERT_EQ(host.motion_settings().max_rate_mm_min[0], 15000);
  host.OnLine("start", now);
  EXPECT_FALSE(host.ready());
  now += absl::Seconds(1);
  const auto wire = Exchange(
      host, now, 10000,
      {"echo:  M203 X100.00 Y100.00 Z4.00", "echo:  M204 P500.00 T600.00"});
  EXPECT_THAT(wire, ::testing::Contains("M503"));
  EXPECT_TRUE(host.ready());
  const stream::MotionSettings m = host.motion_settings();
  EXPECT_EQ(m.max_rate_mm_min[0], 6000);
  EXPECT_EQ(m.print_acceleration_mm_s2, 500);
  // The new firmware said nothing of M201: nothing of the old report stays.
  EXPECT_FALSE(m.acceleration_mm_s2[0].has_value());
}

TEST(MarlinHost, AFirmwareWithoutM503KeepsTheConfigAndSaysWhy) {
  for (const std::vector<std::string>& answer :
       {std::vector<std::string>{"echo:Unknown command: \"M503\""},
        std::vector<std::string>{}}) {
    MarlinHost host;
    absl::Time now = kT0;
    Exchange(host, now, 10000, answer);
    EXPECT_TRUE(host.ready());
    EXPECT_EQ(host.outcome(), Outcome::kIdle);
    EXPECT_FALSE(host.motion_settings().max_rate_mm_min[0].has_value());
    EXPECT_THAT(host.motion_unreported(), HasSubstr("M503"));
    EXPECT_THAT(host.motion_unreported(), HasSubstr("config"));
  }
}

TEST(MarlinHost, ErrorsAreClassifiedWhateverTheirCaseAndWording) {
  EXPECT_EQ(ClassifyError("checksum mismatch, Last Line: 4"),
            ErrorKind::kTransmission);
  EXPECT_EQ(ClassifyError(" Checksum mismatch"), ErrorKind::kTransmission);
  EXPECT_EQ(ClassifyError(" expected line 1 got 492"),
            ErrorKind::kTransmission);
  EXPECT_EQ(ClassifyError("Missing checksum"), ErrorKind::kTransmission);
  EXPECT_EQ(ClassifyError("Line Number is not Last Line Number+1"),
            ErrorKind::kTransmission);
  EXPECT_EQ(ClassifyError("Printer halted. kill() called!"), ErrorKind::kFatal);
  EXPECT_EQ(ClassifyError("Thermal Runaway, system stopped!"),
            ErrorKind::kFatal);
  EXPECT_EQ(ClassifyError("MAXTEMP triggered"), ErrorKind::kFatal);
}

TEST(MarlinHost, AnErrorInOtherWordingAtConnectIsNoFault) {
  MarlinHost host;
  absl::Time now = kT0;
  (void)host.Poll(now);  // N0 M110
  host.OnLine("Error: expected line 1 got 492", now);
  host.OnLine("Error: Checksum mismatch", now);
  EXPECT_EQ(host.outcome(), Outcome::kIdle);
  host.OnLine("Error:Printer halted. kill() called!", now);
  EXPECT_EQ(host.outcome(), Outcome::kFailed);
}

TEST(MarlinHost, ASecondJobGetsOnlyItsOwnLinesAfterACancel) {
  MarlinHost host;
  absl::Time now = kT0;
  Exchange(host, now);
  std::vector<std::string> a, b;
  for (int i = 0; i < 400; ++i) a.push_back(absl::StrCat("G1 X1 E", i));
  for (int i = 0; i < 50; ++i) b.push_back(absl::StrCat("G1 Y1 Z", i));
  host.StartJob(a, now);
  Exchange(host, now, 150);
  ASSERT_LT(host.lines_acknowledged(), 200);
  const std::string stop = host.Cancel("cancelled by test");
  EXPECT_EQ(stop, "M108\nM410\n");
  host.OnLine("ok", now);  // the job line in flight
  host.OnLine("ok", now);  // M108
  host.OnLine("ok", now);  // M410
  const auto after_cancel = Exchange(host, now);
  EXPECT_THAT(after_cancel,
              ::testing::IsSupersetOf({"M104 S0", "M140 S0", "M107", "M84"}));
  host.StartJob(b, now);
  const auto wire = Exchange(host, now);
  EXPECT_EQ(host.outcome(), Outcome::kCompleted);
  EXPECT_EQ(host.lines_acknowledged(), 50);
  EXPECT_EQ(host.lines_total(), 50);
  for (const auto& l : wire) EXPECT_FALSE(absl::StrContains(l, " E")) << l;
  EXPECT_EQ(wire.front(), "M110 N0");  // the second job numbers afresh
}

TEST(MarlinHost, ACorruptedRenumberingIsResentWhenAskedForInTheOldNumbers) {
  MarlinHost host;
  absl::Time now = kT0;
  Exchange(host, now);  // the firmware counted up to line 8 or so
  host.StartJob({"G1 X1", "G1 X2"}, now);
  const std::string m110 = host.Poll(now);
  ASSERT_EQ(CommandOf(m110), "M110 N0");
  // The M110 came corrupted: the firmware asks for the line after its last,
  // far beyond the new numbering.
  host.OnLine("Error:checksum mismatch, Last Line: 40", now);
  host.OnLine("Resend: 41", now);
  host.OnLine("ok", now);
  now += absl::Seconds(1);
  EXPECT_EQ(host.Poll(now), m110);
  EXPECT_NE(host.outcome(), Outcome::kFailed) << host.reason();
  host.OnLine("ok", now);
  const auto wire = Exchange(host, now);
  EXPECT_THAT(wire, ::testing::IsSupersetOf({"G1 X1", "G1 X2"}));
  EXPECT_EQ(host.outcome(), Outcome::kCompleted) << host.reason();
}

TEST(MarlinHost, AResendAfterTheJobEndedNeverSendsItsLinesAgain) {
  MarlinHost host;
  absl::Time now = kT0;
  Exchange(host, now);
  host.StartJob({"G1 X1", "G1 X2", "G1 X3"}, now);
  Exchange(host, now);
  ASSERT_EQ(host.outcome(), Outcome::kCompleted);
  // A confused firmware asks for line 2 of the finished job.
  host.OnLine("Resend: 2", now);
  host.OnLine("ok", now);
  now += absl::Seconds(1);
  const std::string out = host.Poll(now);
  EXPECT_EQ(CommandOf(out), "M105");
  EXPECT_FALSE(absl::StrContains(out, "G1"));
}

TEST(MarlinHost, ALostOkIsNoticedWhileTemperatureReportsKeepComing) {
  MarlinHost host({.response_timeout = absl::Seconds(10)});
  absl::Time now = kT0;
  Exchange(host, now);
  host.OnLine("Cap:AUTOREPORT_TEMP:1", now);
  Exchange(host, now);  // M155 S2
  host.StartJob({"G1 X1", "G1 X2"}, now);
  EXPECT_EQ(CommandOf(host.Poll(now)), "M110 N0");
  host.OnLine("ok", now);
  EXPECT_EQ(CommandOf(host.Poll(now)), "G1 X1");
  // Its ok is lost; the autoreports go on every second.
  std::string probe;
  for (int s = 1; s <= 15 && probe.empty(); ++s) {
    now += absl::Seconds(1);
    host.OnLine(" T:200.0 /200.0 B:60.0 /60.0 @:0 B@:0", now);
    probe = host.Poll(now);
  }
  EXPECT_EQ(probe, "M105\n");
  host.OnLine("ok T:200.0 /200.0 B:60.0 /60.0", now);  // the probe's answer
  EXPECT_EQ(host.lines_acknowledged(), 1);
  EXPECT_EQ(CommandOf(host.Poll(now)), "G1 X2");
}

TEST(MarlinHost, AWaitForTemperatureIsNotALostOk) {
  MarlinHost host({.response_timeout = absl::Seconds(10)});
  absl::Time now = kT0;
  Exchange(host, now);
  host.OnLine("Cap:AUTOREPORT_TEMP:1", now);
  Exchange(host, now);
  host.StartJob({"M109 S200", "G1 X2"}, now);
  (void)host.Poll(now);
  host.OnLine("ok", now);
  EXPECT_EQ(CommandOf(host.Poll(now)), "M109 S200");
  for (int s = 1; s <= 60; ++s) {
    now += absl::Seconds(1);
    host.OnLine(" T:150.0 /200.0 B:60.0 /60.0 W:?", now);
    ASSERT_EQ(host.Poll(now), "") << "after " << s << " s";
  }
}

TEST(MarlinHost, AFirmwareWithoutOkAfterResendDoesNotHang) {
  MarlinHost host({.resend_ok_grace = absl::Milliseconds(100)});
  absl::Time now = kT0;
  Exchange(host, now);
  host.StartJob({"G1 X1", "G1 X2"}, now);
  (void)host.Poll(now);  // M110
  host.OnLine("ok", now);
  EXPECT_EQ(CommandOf(host.Poll(now)), "G1 X1");  // N1
  host.OnLine("Error: Checksum mismatch", now);
  host.OnLine("Resend: 1", now);  // and no ok
  EXPECT_EQ(host.Poll(now), "");  // waits briefly for that ok
  now += absl::Milliseconds(150);
  const std::string again = host.Poll(now);
  EXPECT_EQ(again, NumberedLine(1, "G1 X1") + "\n");
  host.OnLine("ok", now);
  EXPECT_EQ(CommandOf(host.Poll(now)), "G1 X2");
  host.OnLine("ok", now);
  EXPECT_EQ(host.Poll(now), "");
  EXPECT_EQ(host.outcome(), Outcome::kCompleted);
}

TEST(MarlinHost, ReportsWithoutTargetsKeepWhatTheHostCommanded) {
  MarlinHost host;
  absl::Time now = kT0;
  Exchange(host, now);
  host.StartJob({"M104 S210", "M140 S60", "G1 X1"}, now);
  Exchange(host, now);
  host.OnLine("T:180.00 B:55.00", now);
  EXPECT_DOUBLE_EQ(host.temperatures().hotend, 180);
  EXPECT_DOUBLE_EQ(host.temperatures().hotend_target, 210);
  EXPECT_DOUBLE_EQ(host.temperatures().bed_target, 60);
}

TEST(MarlinHost, ReheatingAfterALongPauseUsesTheJobsOwnTargets) {
  MarlinHost host;
  absl::Time now = kT0;
  Exchange(host, now);
  host.StartJob({"M104 S215", "M140 S65", "G1 X1", "G1 X2", "G1 X3"}, now);
  Exchange(host, now, 4);
  (void)host.Hold("paused by test", false);
  host.LowerHeaters();
  auto lowered = Exchange(host, now);
  EXPECT_THAT(lowered, ::testing::IsSupersetOf({"M104 S0", "M140 S0"}));
  host.OnLine("ok T:30.0 /0.0 B:25.0 /0.0", now);  // the firmware cooled
  host.RestoreHeaters();
  host.Resume();
  const auto wire = Exchange(host, now);
  ASSERT_GE(wire.size(), 4u);
  EXPECT_THAT(std::vector<std::string>(wire.begin(), wire.begin() + 4),
              ElementsAre("M140 S65", "M104 S215", "M190 S65", "M109 S215"));
  EXPECT_EQ(host.outcome(), Outcome::kCompleted);
}

TEST(MarlinHost, AnAlwaysChecksummingFirmwareGetsEveryLineNumbered) {
  MarlinHost host;
  absl::Time now = kT0;
  std::string all;
  for (int i = 0; i < 20; ++i) {
    const std::string out = host.Poll(now);
    if (out.empty()) break;
    all += out;
    host.OnLine("ok", now);
  }
  host.StartJob({"G1 X1"}, now);
  for (int i = 0; i < 20; ++i) {
    const std::string out = host.Poll(now);
    if (out.empty()) break;
    all += out;
    host.OnLine("ok", now);
  }
  all += host.Cancel("test");
  for (absl::string_view l : absl::StrSplit(all, '\n', absl::SkipEmpty())) {
    const bool emergency = l == "M108" || l == "M410" || l == "M112";
    EXPECT_TRUE(absl::StartsWith(l, "N") || emergency) << l;
  }
}

}  // namespace
}  // namespace werkbank::marlin
