// SPDX-License-Identifier: EUPL-1.2
// The GRBL host protocol through the real serial driver against the simulated
// laser on a pseudo-terminal: character counting keeps the 128-byte buffer
// full but never overfull; the door, an emergency stop, an alarm and a reset
// each stop the stream before any further line; check mode reports errors
// without firing the laser.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "drivers/grbl/grbl_host.h"
#include "drivers/serial/serial_port.h"
#include "drivers/sim/grbl_sim.h"
#include "drivers/stream/streamer.h"
#include "services/common/crypto.h"

namespace werkbank {
namespace {

using stream::Outcome;
using ::testing::HasSubstr;

std::vector<std::string> Program(int n) {
  std::vector<std::string> lines = {"G21 G90", "M4 S600"};
  for (int i = 0; i < n - 3; ++i) {
    lines.push_back(absl::StrCat("G1 X", i % 300, ".", i % 10, " Y",
                                 (i / 300) % 300, " F3000"));
  }
  lines.push_back("M5");
  return lines;
}

std::string Digest(const std::vector<std::string>& lines) {
  return crypto::Sha256Hex(absl::StrJoin(lines, "\n"));
}

struct Rig {
  std::unique_ptr<sim::GrblSim> sim;
  std::unique_ptr<stream::Streamer> streamer;

  void Run(std::function<void(grbl::GrblHost&, absl::Time)> f) {
    streamer->WithProtocol([&](stream::HostProtocol& p, absl::Time now) {
      f(dynamic_cast<grbl::GrblHost&>(p), now);
    });
  }
  bool Ready() {
    bool ready = false;
    Run([&](grbl::GrblHost& h, absl::Time) { ready = h.ready(); });
    return ready;
  }
};

Rig Connect(sim::GrblSimOptions sim_options = {},
            grbl::GrblOptions options = {}) {
  Rig rig;
  rig.sim = sim::GrblSim::Create(sim_options);
  EXPECT_TRUE(rig.sim);
  auto port = serial::OpenSerialPort(rig.sim->device(), 115200);
  EXPECT_TRUE(port.ok()) << port.status();
  rig.streamer = std::make_unique<stream::Streamer>(
      std::move(*port), std::make_unique<grbl::GrblHost>(options));
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!rig.Ready() && absl::Now() < deadline)
    absl::SleepFor(absl::Milliseconds(2));
  EXPECT_TRUE(rig.Ready()) << "no GRBL session";
  return rig;
}

// The wire after `marker` holds no G-code line: only status queries, and the
// settings query with which the host re-opens a session after a reset.
void ExpectNoLineAfter(const std::string& wire, const std::string& marker) {
  const size_t at = wire.find(marker);
  ASSERT_NE(at, std::string::npos) << "marker not on the wire";
  std::string after = wire.substr(at + marker.size());
  after.erase(std::remove(after.begin(), after.end(), '?'), after.end());
  for (size_t p; (p = after.find("$$\n")) != std::string::npos;)
    after.erase(p, 3);
  EXPECT_EQ(after.find('\n'), std::string::npos)
      << "a line went out after the stop: " << after;
}

TEST(GrblMessages, StatusReportsAndCodes) {
  auto s = grbl::ParseStatus(
      "<Door:1|MPos:10.000,20.500,0.000|Bf:15,128|FS:0,0|Pn:XD|WCO:1.000,2.000,"
      "0.000>");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->state, "Door");
  EXPECT_EQ(s->substate, 1);
  EXPECT_DOUBLE_EQ(s->mpos[1], 20.5);
  EXPECT_DOUBLE_EQ(s->wpos[0], 9.0);
  EXPECT_EQ(s->rx_free, 128);
  EXPECT_TRUE(s->door_open());
  EXPECT_FALSE(grbl::ParseStatus("<Door:0|MPos:0,0,0>")
                   ->door_open());  // closed, may resume
  auto idle =
      grbl::ParseStatus("<Idle|WPos:1.000,1.000,0.000|FS:0,0|Ov:100,100,100>");
  ASSERT_TRUE(idle.has_value());
  EXPECT_FALSE(idle->door_open());
  EXPECT_FALSE(grbl::ParseStatus("<Idle|MPos:x,1,2>").has_value());
  EXPECT_FALSE(grbl::ParseStatus("Idle").has_value());
  EXPECT_EQ(grbl::ParseError("error:20"), 20);
  EXPECT_EQ(grbl::ParseAlarm("ALARM:1"), 1);
  EXPECT_THAT(grbl::AlarmMeaning(1), HasSubstr("hard limit"));
}

TEST(GrblStream, TwentyThousandLinesCompleteAndInOrder) {
  Rig rig = Connect();
  const auto program = Program(20000);
  rig.streamer->StartJob(program);
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(120)), Outcome::kCompleted)
      << rig.streamer->reason();
  EXPECT_EQ(Digest(rig.sim->Accepted()), Digest(program));
  EXPECT_FALSE(rig.sim->overflowed());
}

TEST(GrblStream, CharacterCountingNeverOverfillsTheBuffer) {
  // A slow planner: the host must wait for acknowledgements.
  Rig rig = Connect({.block_time = absl::Microseconds(300)});
  const auto program = Program(3000);
  rig.streamer->StartJob(program);
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(60)), Outcome::kCompleted)
      << rig.streamer->reason();
  EXPECT_FALSE(rig.sim->overflowed());
  EXPECT_EQ(Digest(rig.sim->Accepted()), Digest(program));
}

TEST(GrblStream, CorruptedLinesStopTheLaserAndAreNamed) {
  // GRBL has no checksums: a corrupted line that GRBL rejects stops the job
  // at once (feed hold, soft reset), and the error names the line.
  Rig rig = Connect({.block_time = absl::Microseconds(100)});
  rig.sim->SetFaults({.corrupt_fraction = 0.02, .seed = 11});
  const auto program = Program(20000);
  rig.streamer->StartJob(program);
  const Outcome outcome = rig.streamer->Wait(absl::Seconds(60));
  ASSERT_EQ(outcome, Outcome::kFailed);
  EXPECT_THAT(rig.streamer->reason(), HasSubstr("was rejected: error:"));
  absl::SleepFor(absl::Milliseconds(100));
  ExpectNoLineAfter(rig.sim->Received(),
                    std::string{grbl::kFeedHold, grbl::kSoftReset});
  EXPECT_FALSE(rig.sim->laser_on());
  // What the laser accepted is in program order, never repeated.
  const auto accepted = rig.sim->Accepted();
  size_t next = 0;
  for (const auto& line : accepted) {
    auto it = std::find(program.begin() + static_cast<long>(next),
                        program.end(), line);
    if (it == program.end()) continue;  // corrupted but still valid G-code
    next = static_cast<size_t>(it - program.begin()) + 1;
  }
  EXPECT_GT(next, 0u);
}

TEST(GrblStream, AnOpenDoorHoldsBeforeAnyFurtherLineAndNothingResumesByItself) {
  Rig rig = Connect({.block_time = absl::Microseconds(500)});
  const auto program = Program(4000);
  rig.streamer->StartJob(program);
  while (rig.streamer->lines_acknowledged() < 300)
    absl::SleepFor(absl::Milliseconds(1));
  rig.sim->SetDoorOpen(true);
  EXPECT_EQ(rig.streamer->Wait(absl::Seconds(5)), Outcome::kHeld);
  EXPECT_THAT(rig.streamer->reason(), HasSubstr("door"));
  absl::SleepFor(absl::Milliseconds(400));
  ExpectNoLineAfter(rig.sim->Received(),
                    std::string{grbl::kFeedHold, grbl::kSafetyDoor});
  EXPECT_FALSE(rig.sim->laser_on());
  // Closing the door does not resume: a person must.
  rig.sim->SetDoorOpen(false);
  absl::SleepFor(absl::Milliseconds(400));
  EXPECT_EQ(rig.streamer->outcome(), Outcome::kHeld);
  rig.Run([](grbl::GrblHost& h, absl::Time) { h.Resume(); });
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(60)), Outcome::kCompleted)
      << rig.streamer->reason();
  EXPECT_EQ(Digest(rig.sim->Accepted()), Digest(program));  // nothing lost
}

TEST(GrblStream, EmergencyStopGoesOutAheadOfEveryQueuedLine) {
  Rig rig = Connect({.block_time = absl::Microseconds(500)});
  rig.streamer->StartJob(Program(20000));
  while (rig.streamer->lines_acknowledged() < 200)
    absl::SleepFor(absl::Milliseconds(1));
  ASSERT_TRUE(rig.sim->laser_on());
  rig.streamer->EmergencyStop("laser fire");
  EXPECT_EQ(rig.streamer->outcome(), Outcome::kAborted);
  absl::SleepFor(absl::Milliseconds(300));
  ExpectNoLineAfter(rig.sim->Received(),
                    std::string{grbl::kFeedHold, grbl::kSoftReset});
  EXPECT_FALSE(rig.sim->laser_on());
}

TEST(GrblStream, AnAlarmAbortsTheJob) {
  Rig rig = Connect({.block_time = absl::Microseconds(500)});
  rig.streamer->StartJob(Program(20000));
  while (rig.streamer->lines_acknowledged() < 200)
    absl::SleepFor(absl::Milliseconds(1));
  rig.sim->RaiseAlarm(1);
  EXPECT_EQ(rig.streamer->Wait(absl::Seconds(5)), Outcome::kAborted);
  EXPECT_THAT(rig.streamer->reason(), HasSubstr("ALARM:1 (hard limit"));
  const size_t accepted = rig.sim->Accepted().size();
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(rig.sim->Accepted().size(), accepted);
}

TEST(GrblStream, AControllerResetAbortsTheJob) {
  Rig rig = Connect({.block_time = absl::Microseconds(500)});
  rig.streamer->StartJob(Program(20000));
  while (rig.streamer->lines_acknowledged() < 200)
    absl::SleepFor(absl::Milliseconds(1));
  rig.sim->Reset();
  EXPECT_EQ(rig.streamer->Wait(absl::Seconds(5)), Outcome::kAborted);
  EXPECT_THAT(rig.streamer->reason(), HasSubstr("controller reset"));
  EXPECT_FALSE(rig.sim->laser_on());
}

TEST(GrblStream, CheckModeListsErrorsWithoutFiringTheLaser) {
  Rig rig = Connect();
  rig.Run([](grbl::GrblHost& h, absl::Time now) {
    ASSERT_TRUE(
        h.StartCheck(stream::VectorSource({"G21 G90", "M4 S500", "G1 X10 Q",
                                           "G1 X20 Y5 F2000", "M999", "M5"}),
                     now)
            .ok());
  });
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(10)), Outcome::kCompleted)
      << rig.streamer->reason();
  std::vector<stream::CheckError> errors;
  rig.Run([&](grbl::GrblHost& h, absl::Time) { errors = h.check_errors(); });
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].first, 2);
  EXPECT_THAT(errors[0].second, HasSubstr("error:2 "));
  EXPECT_EQ(errors[1].first, 4);
  EXPECT_THAT(errors[1].second, HasSubstr("error:20 "));
  EXPECT_TRUE(rig.sim->Accepted().empty());
  EXPECT_EQ(rig.sim->state(), "Idle");
}

TEST(GrblStream, LaserModeIsVerifiedFromSettings) {
  Rig rig = Connect({.laser_mode = false}, {.require_laser_mode = true});
  rig.streamer->StartJob(Program(10));
  EXPECT_EQ(rig.streamer->Wait(absl::Seconds(5)), Outcome::kFailed);
  EXPECT_THAT(rig.streamer->reason(), HasSubstr("$32=1"));
  EXPECT_TRUE(rig.sim->Accepted().empty());
}

TEST(GrblStream, AVanishedPortFailsTheJobWithoutHanging) {
  Rig rig = Connect({.block_time = absl::Microseconds(500)});
  rig.streamer->StartJob(Program(20000));
  while (rig.streamer->lines_acknowledged() < 100)
    absl::SleepFor(absl::Milliseconds(1));
  rig.sim->Disconnect();
  EXPECT_EQ(rig.streamer->Wait(absl::Seconds(5)), Outcome::kFailed);
  EXPECT_THAT(rig.streamer->reason(), HasSubstr("serial link lost"));
}

}  // namespace
}  // namespace werkbank

namespace werkbank {
namespace {

// Everything the host writes until it has nothing more to say, without the
// status queries.
std::string Drain(grbl::GrblHost& host, absl::Time now) {
  std::string wire;
  for (int i = 0; i < 10; ++i) wire += host.Poll(now);
  wire.erase(std::remove(wire.begin(), wire.end(), grbl::kStatusQuery),
             wire.end());
  return wire;
}

// A person's `$X` survives a reset that crosses it: the banner of a reset
// that arrives after `$X` went out (and so dropped it) sends it again, and
// once the controller has answered it is not sent again.
TEST(GrblAlarmUnlock, SurvivesAResetThatCrossesIt) {
  grbl::GrblHost host;
  const absl::Time now = absl::Now();
  EXPECT_EQ(Drain(host, now), std::string(1, grbl::kSoftReset));
  host.RequestAlarmUnlock();
  host.OnLine("Grbl 1.1h ['$' for help]", now);
  EXPECT_EQ(Drain(host, now), "$$\n");
  host.OnLine("ok", now);
  EXPECT_EQ(Drain(host, now), "$X\n");
  // The controller resets before it reads `$X`.
  host.OnLine("Grbl 1.1h ['$' for help]", now);
  EXPECT_EQ(Drain(host, now), "$$\n");
  host.OnLine("ok", now);
  EXPECT_EQ(Drain(host, now), "$X\n");
  host.OnLine("[MSG:Caution: Unlocked]", now);
  host.OnLine("ok", now);
  EXPECT_FALSE(host.ready()) << "ready before a status report said Idle";
  host.OnLine("<Idle|MPos:0.000,0.000,0.000|FS:0,0>", now);
  EXPECT_TRUE(host.ready());
  host.OnLine("Grbl 1.1h ['$' for help]", now);
  EXPECT_EQ(Drain(host, now), "$$\n");
}

// Without a person's acknowledgement the host never sends `$X`.
TEST(GrblAlarmUnlock, NeverWithoutARequest) {
  grbl::GrblHost host;
  const absl::Time now = absl::Now();
  Drain(host, now);
  host.OnLine("Grbl 1.1h ['$' for help]", now);
  EXPECT_EQ(Drain(host, now), "$$\n");
  host.OnLine("ALARM:1", now);
  host.OnLine("ok", now);
  EXPECT_EQ(Drain(host, now), "");
}

}  // namespace
}  // namespace werkbank
