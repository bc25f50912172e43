// SPDX-License-Identifier: EUPL-1.2
// Job sequences through the real serial driver against the simulated
// printer, with each firmware quirk real printers have: the second job on a
// link after a cancel or a firmware reset, a cancel during a wait for
// temperature, errors in other wording, no ok after a resend, a checksum
// demanded on every line, reports without targets, no autoreport, `busy:`,
// the motion rates read with M503 and a build without it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "drivers/marlin/marlin_host.h"
#include "drivers/serial/serial_port.h"
#include "drivers/sim/marlin_sim.h"
#include "drivers/stream/streamer.h"

namespace werkbank {
namespace {

using stream::Outcome;

struct Rig {
  std::unique_ptr<sim::MarlinSim> sim;
  std::unique_ptr<stream::Streamer> streamer;

  void WaitReady() {
    for (int i = 0; i < 500; ++i) {
      bool ready = false;
      streamer->WithProtocol(
          [&](stream::HostProtocol& p, absl::Time) { ready = p.ready(); });
      if (ready) return;
      absl::SleepFor(absl::Milliseconds(10));
    }
    FAIL() << "the printer never answered the handshake";
  }
  stream::MotionSettings Motion() {
    stream::MotionSettings m;
    streamer->WithProtocol(
        [&](stream::HostProtocol& p, absl::Time) { m = p.motion_settings(); });
    return m;
  }
  std::string Unreported() {
    std::string why;
    streamer->WithProtocol([&](stream::HostProtocol& p, absl::Time) {
      why = p.motion_unreported();
    });
    return why;
  }
  stream::Temperatures Temperatures() {
    stream::Temperatures t;
    streamer->WithProtocol(
        [&](stream::HostProtocol& p, absl::Time) { t = p.temperatures(); });
    return t;
  }
};

Rig Connect(absl::Duration line_time = absl::ZeroDuration(),
            sim::MarlinQuirks quirks = {}, marlin::MarlinOptions options = {}) {
  Rig rig;
  rig.sim = sim::MarlinSim::Create(line_time, quirks);
  EXPECT_TRUE(rig.sim);
  auto port = serial::OpenSerialPort(rig.sim->device(), 115200);
  EXPECT_TRUE(port.ok()) << port.status();
  rig.streamer = std::make_unique<stream::Streamer>(
      std::move(*port), std::make_unique<marlin::MarlinHost>(options));
  rig.WaitReady();
  return rig;
}

// Job A's lines extrude (E), job B's lines lift (Z): each line says whose it
// is.
std::vector<std::string> JobA(int n) {
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) lines.push_back(absl::StrCat("G1 X1 E", i));
  return lines;
}
std::vector<std::string> JobB(int n) {
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) lines.push_back(absl::StrCat("G1 Y1 Z", i));
  return lines;
}

// What the firmware executed from the first line of job B on.
std::vector<std::string> FromJobB(const std::vector<std::string>& accepted) {
  auto first = std::find(accepted.begin(), accepted.end(), "G1 Y1 Z0");
  return {first, accepted.end()};
}

size_t Count(const std::vector<std::string>& lines, absl::string_view part) {
  return static_cast<size_t>(std::count_if(
      lines.begin(), lines.end(),
      [&](const std::string& l) { return absl::StrContains(l, part); }));
}

void ExpectOnlyJobB(Rig& rig, int b_lines) {
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(60)), Outcome::kCompleted)
      << rig.streamer->reason();
  const auto after = FromJobB(rig.sim->Accepted());
  EXPECT_EQ(Count(after, " E"), 0u) << "a line of job A ran during job B";
  EXPECT_EQ(Count(after, " Z"), static_cast<size_t>(b_lines));
  EXPECT_EQ(rig.streamer->lines_acknowledged(), b_lines);
}

TEST(MarlinSequence, ACancelledPrintDoesNotContinueAtTheNextJob) {
  Rig rig = Connect(absl::Milliseconds(2));
  rig.streamer->StartJob(JobA(400));
  while (rig.streamer->lines_acknowledged() < 150) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  rig.streamer->WriteNow(
      [](stream::HostProtocol& p) { return p.Cancel("cancelled by test"); });
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(1)), Outcome::kCancelled);
  ASSERT_TRUE(rig.streamer->WaitDrained(absl::Seconds(10)));
  const auto accepted = rig.sim->Accepted();
  EXPECT_LT(Count(accepted, " E"), 200u);
  // The cancel's heaters-off reached the firmware.
  EXPECT_NE(std::find(accepted.begin(), accepted.end(), "M104 S0"),
            accepted.end());
  rig.streamer->StartJob(JobB(50));
  ExpectOnlyJobB(rig, 50);
  EXPECT_LT(Count(rig.sim->Accepted(), " E"), 200u);
}

TEST(MarlinSequence, AFirmwareResetBetweenJobsDoesNotReplayTheFirst) {
  for (bool banner : {true, false}) {
    SCOPED_TRACE(banner ? "reset with `start`" : "reset without a banner");
    Rig rig = Connect();
    rig.streamer->StartJob(JobA(100));
    ASSERT_EQ(rig.streamer->Wait(absl::Seconds(30)), Outcome::kCompleted);
    rig.sim->Reset(banner);
    absl::SleepFor(absl::Milliseconds(200));
    if (banner) rig.WaitReady();
    rig.streamer->StartJob(JobB(50));
    ExpectOnlyJobB(rig, 50);
    EXPECT_EQ(Count(rig.sim->Accepted(), " E"), 100u);
  }
}

TEST(MarlinSequence, ACancelDuringAWaitForTemperatureEndsTheWait) {
  Rig rig = Connect(absl::ZeroDuration(), {.heat_rate_c_per_s = 1});
  rig.streamer->StartJob({"M104 S200", "M109 S200", "G28", "G1 X10"});
  while (rig.sim->hotend_target() < 199) absl::SleepFor(absl::Milliseconds(5));
  absl::SleepFor(absl::Milliseconds(200));  // the firmware waits for 200 °C
  rig.streamer->WriteNow(
      [](stream::HostProtocol& p) { return p.Cancel("cancelled by test"); });
  ASSERT_TRUE(rig.streamer->WaitDrained(absl::Seconds(5)))
      << "the firmware still waits for its temperature";
  EXPECT_EQ(rig.sim->hotend_target(), 0);
  const auto accepted = rig.sim->Accepted();
  EXPECT_EQ(Count(accepted, "G28"), 0u);
  EXPECT_NE(std::find(accepted.begin(), accepted.end(), "M84"), accepted.end());
}

TEST(MarlinSequence, TheCancelScriptRunsBeforeTheMotorsAreReleased) {
  Rig rig = Connect(absl::Milliseconds(1), {},
                    {.cancel_script = {"G91", "G1 Z10", "G90"}});
  rig.streamer->StartJob(JobA(300));
  while (rig.streamer->lines_acknowledged() < 20) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  rig.streamer->WriteNow([](stream::HostProtocol& p) { return p.Cancel("x"); });
  ASSERT_TRUE(rig.streamer->WaitDrained(absl::Seconds(10)));
  auto accepted = rig.sim->Accepted();
  auto park = std::find(accepted.begin(), accepted.end(), "G1 Z10");
  ASSERT_NE(park, accepted.end());
  EXPECT_NE(std::find(park, accepted.end(), "M84"), accepted.end());
}

TEST(MarlinSequence, ErrorsInOtherWordingAndNoOkAfterResendStillDeliverAll) {
  Rig rig = Connect(absl::ZeroDuration(),
                    {.other_error_wording = true, .no_ok_after_resend = true});
  rig.sim->SetFaults({.corrupt_fraction = 0.05, .seed = 11});
  const auto a = JobA(2000);
  rig.streamer->StartJob(a);
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(60)), Outcome::kCompleted)
      << rig.streamer->reason();
  std::vector<std::string> executed;
  for (const auto& l : rig.sim->Accepted()) {
    if (absl::StrContains(l, " E")) executed.push_back(l);
  }
  EXPECT_EQ(executed, a);
  // And the next job on the same link.
  rig.streamer->StartJob(JobB(100));
  ExpectOnlyJobB(rig, 100);
}

TEST(MarlinSequence, AFirmwareThatWantsAChecksumOnEveryLineRunsJobsAndCancels) {
  Rig rig = Connect(absl::Milliseconds(1),
                    {.checksum_required = true, .no_autoreport = true});
  rig.streamer->StartJob(JobA(200));
  while (rig.streamer->lines_acknowledged() < 50) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  rig.streamer->WriteNow([](stream::HostProtocol& p) { return p.Cancel("x"); });
  ASSERT_TRUE(rig.streamer->WaitDrained(absl::Seconds(10)));
  const auto accepted = rig.sim->Accepted();
  EXPECT_NE(std::find(accepted.begin(), accepted.end(), "M104 S0"),
            accepted.end());
  rig.streamer->StartJob(JobB(30));
  ExpectOnlyJobB(rig, 30);
}

TEST(MarlinSequence, TemperaturesStayTrueWithoutTargetsAndWithoutAutoreport) {
  Rig rig = Connect(absl::Milliseconds(2),
                    {.reports_without_targets = true, .no_autoreport = true},
                    {.temperature_poll = absl::Milliseconds(100)});
  auto job = JobA(2000);
  job.insert(job.begin(), "M104 S200");
  rig.streamer->StartJob(job);
  while (rig.streamer->lines_acknowledged() < 300) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_DOUBLE_EQ(rig.Temperatures().hotend_target, 200);
  EXPECT_GT(rig.Temperatures().hotend, 30);
  rig.streamer->WriteNow([](stream::HostProtocol& p) { return p.Cancel("x"); });
  ASSERT_TRUE(rig.streamer->WaitDrained(absl::Seconds(10)));
  // Polls go on after the cancel: the shown temperature falls.
  const double at_cancel = rig.Temperatures().hotend;
  absl::SleepFor(absl::Milliseconds(800));
  EXPECT_DOUBLE_EQ(rig.Temperatures().hotend_target, 0);
  EXPECT_LT(rig.Temperatures().hotend, at_cancel - 5);
}

TEST(MarlinSequence, BusyKeepalivesDuringALongHeatUpAreNoTimeout) {
  Rig rig = Connect(absl::ZeroDuration(),
                    {.busy_keepalive = true, .heat_rate_c_per_s = 40},
                    {.response_timeout = absl::Milliseconds(1500),
                     .probe_timeout = absl::Milliseconds(1500)});
  rig.streamer->StartJob({"M109 S200", "G1 X1"});
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(10)), Outcome::kCompleted)
      << rig.streamer->reason();
}

TEST(MarlinSequence, ALostOkWhileAutoreportsKeepComingIsRecovered) {
  Rig rig = Connect(absl::ZeroDuration(), {},
                    {.response_timeout = absl::Milliseconds(300),
                     .probe_timeout = absl::Seconds(2)});
  absl::SleepFor(absl::Milliseconds(1500));  // autoreports are flowing
  rig.sim->SetFaults({.drop_ok_fraction = 0.02, .seed = 5});
  const auto a = JobA(300);
  rig.streamer->StartJob(a);
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(60)), Outcome::kCompleted)
      << rig.streamer->reason();
  EXPECT_EQ(Count(rig.sim->Accepted(), " E"), 300u);
}

TEST(MarlinSequence, TheHostHoldsTheRatesThePrinterReportsAfterEachReset) {
  sim::MarlinQuirks quirks;
  quirks.kinematics = {
      {12000, 9000, 240}, {1500, 1200, 80}, 0.013, 16, 1250, 2000};
  Rig rig = Connect(absl::Milliseconds(1), quirks, {.window = 4});
  stream::MotionSettings m = rig.Motion();
  EXPECT_EQ(m.max_rate_mm_min[0], 12000);
  EXPECT_EQ(m.max_rate_mm_min[1], 9000);
  EXPECT_EQ(m.max_rate_mm_min[2], 240);
  EXPECT_EQ(m.acceleration_mm_s2[0], 1500);
  EXPECT_EQ(m.acceleration_mm_s2[2], 80);
  EXPECT_EQ(m.print_acceleration_mm_s2, 1250);
  EXPECT_EQ(m.travel_acceleration_mm_s2, 2000);
  EXPECT_EQ(rig.Unreported(), "");

  rig.streamer->StartJob(JobA(50));
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(30)), Outcome::kCompleted)
      << rig.streamer->reason();
  EXPECT_EQ(rig.streamer->lines_acknowledged(), 50);
  // M503 went out once, before the job's first line, and is no job line.
  const std::string wire = rig.sim->Received();
  const size_t first_job_line = wire.find("G1 X1 E0*");
  ASSERT_NE(first_job_line, std::string::npos);
  EXPECT_LT(wire.find(" M503*"), first_job_line);
  EXPECT_EQ(wire.find(" M503*", first_job_line), std::string::npos);

  // New settings and a reset: the host reads them again.
  quirks.kinematics.max_rate_mm_min = {6000, 6000, 120};
  quirks.kinematics.print_acceleration_mm_s2 = 800;
  rig.sim->SetKinematics(quirks.kinematics);
  rig.sim->Reset();
  for (int i = 0; i < 500 && rig.Motion().max_rate_mm_min[0] != 6000; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  m = rig.Motion();
  EXPECT_EQ(m.max_rate_mm_min[0], 6000);
  EXPECT_EQ(m.max_rate_mm_min[2], 120);
  EXPECT_EQ(m.print_acceleration_mm_s2, 800);
  rig.WaitReady();
  EXPECT_EQ(Count(rig.sim->Accepted(), "M503"), 0u);  // never as a command
}

TEST(MarlinSequence, APrinterWithoutM503KeepsTheConfigRatesAndRunsJobs) {
  Rig rig = Connect(absl::ZeroDuration(), {.no_settings_report = true});
  EXPECT_FALSE(rig.Motion().max_rate_mm_min[0].has_value());
  EXPECT_FALSE(rig.Motion().print_acceleration_mm_s2.has_value());
  EXPECT_TRUE(absl::StrContains(rig.Unreported(), "does not know M503"))
      << rig.Unreported();
  rig.streamer->StartJob(JobA(20));
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(30)), Outcome::kCompleted)
      << rig.streamer->reason();
  EXPECT_EQ(Count(rig.sim->Accepted(), " E"), 20u);
}

}  // namespace
}  // namespace werkbank
