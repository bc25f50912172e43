// SPDX-License-Identifier: EUPL-1.2
// GRBL job sequences through the real serial driver against the simulated
// laser, which behaves as GRBL 1.1h does: a soft reset while the machine
// moves raises ALARM:3, and an alarm lock survives a reset. A cancel's own
// alarm is lifted and the next job runs; an alarm the controller was already
// in when the host connected is visible and blocks a dry run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "drivers/grbl/grbl_host.h"
#include "drivers/serial/serial_port.h"
#include "drivers/sim/grbl_sim.h"
#include "drivers/stream/streamer.h"

namespace werkbank {
namespace {

using stream::Outcome;
using ::testing::HasSubstr;

std::vector<std::string> Cut(int moves) {
  std::vector<std::string> lines = {"G21 G90", "M4 S300"};
  for (int i = 0; i < moves; ++i) {
    lines.push_back(
        absl::StrCat("G1 X", i % 50, " Y", (i / 50) % 50, " F3000"));
  }
  lines.push_back("M5");
  return lines;
}

std::unique_ptr<stream::Streamer> Open(sim::GrblSim& sim) {
  auto port = serial::OpenSerialPort(sim.device(), 115200);
  EXPECT_TRUE(port.ok()) << port.status();
  return std::make_unique<stream::Streamer>(std::move(*port),
                                            std::make_unique<grbl::GrblHost>());
}

template <typename T, typename F>
T Ask(stream::Streamer& s, F f) {
  T out{};
  s.WithProtocol([&](stream::HostProtocol& p, absl::Time) { out = f(p); });
  return out;
}

bool WaitFor(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

TEST(GrblSequence,
     ACancelInMotionRaisesAlarm3WhichTheCancelLiftsThenTheNextJobRuns) {
  auto sim = sim::GrblSim::Create({.block_time = absl::Milliseconds(5)});
  auto link = Open(*sim);
  ASSERT_TRUE(WaitFor(
      [&] { return Ask<bool>(*link, [](auto& p) { return p.ready(); }); }));
  link->StartJob(Cut(2000));
  ASSERT_TRUE(WaitFor([&] { return link->lines_acknowledged() > 100; }));
  link->WriteNow([](stream::HostProtocol& p) { return p.Cancel("by test"); });
  // The firmware did what real GRBL does...
  ASSERT_TRUE(WaitFor([&] { return absl::StrContains(sim->Received(), "$X"); }))
      << "the cancel's alarm was not lifted";
  // ...and the job is cancelled, not failed; the laser is usable again.
  EXPECT_EQ(link->outcome(), Outcome::kCancelled);
  EXPECT_FALSE(sim->laser_on());
  ASSERT_TRUE(WaitFor([&] { return sim->state() == "Idle"; }));
  ASSERT_TRUE(WaitFor([&] {
    return Ask<std::string>(
               *link, [](auto& p) { return p.firmware_state(); }) == "Idle";
  }));
  EXPECT_FALSE(Ask<std::optional<std::string>>(*link, [](auto& p) {
                 return p.firmware_alarm();
               }).has_value());
  link->StartJob(Cut(50));
  ASSERT_EQ(link->Wait(absl::Seconds(20)), Outcome::kCompleted)
      << link->reason();
}

TEST(GrblSequence, AnAlarmTheControllerIsAlreadyInIsVisibleAndBlocksADryRun) {
  auto sim = sim::GrblSim::Create({.block_time = absl::Milliseconds(5)});
  {
    // A host dies during a long move: its reset left GRBL in alarm.
    auto first = Open(*sim);
    ASSERT_TRUE(WaitFor(
        [&] { return Ask<bool>(*first, [](auto& p) { return p.ready(); }); }));
    first->StartJob(Cut(2000));
    ASSERT_TRUE(WaitFor([&] { return first->lines_acknowledged() > 50; }));
    first->EmergencyStop("the host dies");
  }
  ASSERT_TRUE(WaitFor([&] { return sim->state() == "Alarm"; }));
  auto second = Open(*sim);  // the restarted daemon; it resets on connect
  // The moment the host says it is ready it already knows the alarm: the
  // machine never looks usable in between.
  ASSERT_TRUE(WaitFor(
      [&] { return Ask<bool>(*second, [](auto& p) { return p.ready(); }); }));
  EXPECT_TRUE(Ask<std::optional<std::string>>(
                  *second, [](auto& p) { return p.firmware_alarm(); })
                  .has_value())
      << "ready before the controller's state was known";
  ASSERT_TRUE(WaitFor([&] {
    return Ask<std::optional<std::string>>(
               *second, [](auto& p) { return p.firmware_alarm(); })
        .has_value();
  })) << "the alarm the firmware is in stays invisible";
  EXPECT_EQ(
      Ask<std::string>(*second, [](auto& p) { return p.firmware_state(); }),
      "Alarm");
  absl::Status check = Ask<absl::Status>(*second, [](auto& p) {
    return p.StartCheck(stream::VectorSource({"G1 X1"}), absl::Now());
  });
  EXPECT_FALSE(check.ok());
  EXPECT_THAT(check.message(), HasSubstr("in alarm"));
  // Staff acknowledge: the lock is lifted; a dry run now works.
  second->WithProtocol(
      [](stream::HostProtocol& p, absl::Time) { p.ClearAlarm(); });
  ASSERT_TRUE(WaitFor([&] {
    return Ask<std::string>(
               *second, [](auto& p) { return p.firmware_state(); }) == "Idle";
  }));
  check = Ask<absl::Status>(*second, [](auto& p) {
    return p.StartCheck(stream::VectorSource({"G21", "G1 X1 F100"}),
                        absl::Now());
  });
  ASSERT_TRUE(check.ok()) << check;
  EXPECT_EQ(second->Wait(absl::Seconds(10)), Outcome::kCompleted)
      << second->reason();
}

TEST(GrblSequence, CheckLinesWaitForTheAnswerToDollarCAndARefusalEndsTheCheck) {
  grbl::GrblHost host;
  absl::Time now = absl::FromUnixSeconds(1790000000);
  EXPECT_EQ(host.Poll(now), std::string(1, grbl::kSoftReset));
  host.OnLine("Grbl 1.1h ['$' for help]", now);
  EXPECT_EQ(host.Poll(now), "?");
  EXPECT_EQ(host.Poll(now), "$$\n");
  host.OnLine("<Idle|MPos:0.000,0.000,0.000|FS:0,0>", now);
  host.OnLine("$32=1", now);
  host.OnLine("ok", now);
  ASSERT_TRUE(host.ready());
  ASSERT_TRUE(
      host.StartCheck(stream::VectorSource({"G1 X1", "G1 X2"}), now).ok());
  EXPECT_EQ(host.Poll(now), "$C\n");
  EXPECT_EQ(host.Poll(now), "") << "a line went out before $C was answered";
  host.OnLine("error:8", now);
  EXPECT_EQ(host.outcome(), Outcome::kCancelled);
  EXPECT_THAT(host.reason(), HasSubstr("refused check mode"));
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(absl::StrContains(host.Poll(now), "G1"));
    now += absl::Milliseconds(300);
  }
}

}  // namespace
}  // namespace werkbank
