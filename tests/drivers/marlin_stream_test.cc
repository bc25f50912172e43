// SPDX-License-Identifier: EUPL-1.2
// The Marlin host protocol through the real libserialport driver against the
// simulated printer on a pseudo-terminal: corrupted lines are resent and the
// program arrives complete and in order; a lost ok is recovered by the M105
// probe; M112 goes out ahead of every queued line; a reset, a silent firmware
// and a vanished port each end the job cleanly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "drivers/marlin/marlin_host.h"
#include "drivers/serial/serial_port.h"
#include "drivers/sim/marlin_sim.h"
#include "drivers/stream/streamer.h"
#include "services/common/crypto.h"

namespace werkbank {
namespace {

using stream::Outcome;
using ::testing::HasSubstr;

std::vector<std::string> Program(int n) {
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) {
    lines.push_back(absl::StrCat("G1 X", i % 200, ".", i % 7, " Y",
                                 (i / 200) % 200, " E", i, " F",
                                 1200 + i % 600));
  }
  return lines;
}

// What the firmware executed of the job (the host's own lines, such as the
// safe state every session begins with, left out).
std::vector<std::string> JobLines(const std::vector<std::string>& accepted) {
  std::vector<std::string> out;
  for (const auto& l : accepted) {
    if (absl::StartsWith(l, "G1 ")) out.push_back(l);
  }
  return out;
}

std::string Digest(const std::vector<std::string>& lines) {
  return crypto::Sha256Hex(absl::StrJoin(lines, "\n"));
}

struct Rig {
  std::unique_ptr<sim::MarlinSim> sim;
  std::unique_ptr<stream::Streamer> streamer;
};

Rig Connect(marlin::MarlinOptions options = {}) {
  Rig rig;
  rig.sim = sim::MarlinSim::Create();
  EXPECT_TRUE(rig.sim);
  auto port = serial::OpenSerialPort(rig.sim->device(), 115200);
  EXPECT_TRUE(port.ok()) << port.status();
  rig.streamer = std::make_unique<stream::Streamer>(
      std::move(*port), std::make_unique<marlin::MarlinHost>(options));
  return rig;
}

TEST(MarlinStream, AThermalRunawayFailsTheJob) {
  Rig rig = Connect();
  rig.streamer->StartJob(Program(200000));
  while (rig.streamer->lines_acknowledged() < 100)
    absl::SleepFor(absl::Milliseconds(1));
  rig.sim->ThermalRunaway();
  EXPECT_EQ(rig.streamer->Wait(absl::Seconds(5)), Outcome::kFailed);
  EXPECT_THAT(rig.streamer->reason(), HasSubstr("Thermal Runaway"));
}

TEST(MarlinStream, TwentyThousandLinesWithTwoPercentCorruptedArriveInOrder) {
  Rig rig = Connect();
  rig.sim->SetFaults({.corrupt_fraction = 0.02, .seed = 7});
  const auto program = Program(20000);
  rig.streamer->StartJob(program);
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(120)), Outcome::kCompleted)
      << rig.streamer->reason();
  const auto accepted = JobLines(rig.sim->Accepted());
  EXPECT_EQ(accepted.size(), program.size());
  EXPECT_EQ(Digest(accepted), Digest(program));
  EXPECT_EQ(rig.streamer->lines_acknowledged(), 20000);
  // Corruption really happened and was answered with resends.
  const std::string wire = rig.sim->Received();
  EXPECT_GT(std::count(wire.begin(), wire.end(), '\n'), 20300);
}

TEST(MarlinStream, ALostOkIsRecoveredWithTheM105Probe) {
  Rig rig = Connect({.window = 1,
                     .response_timeout = absl::Milliseconds(100),
                     .probe_timeout = absl::Seconds(2)});
  rig.sim->SetFaults({.drop_ok_fraction = 0.01, .seed = 3});
  const auto program = Program(1500);
  rig.streamer->StartJob(program);
  ASSERT_EQ(rig.streamer->Wait(absl::Seconds(60)), Outcome::kCompleted)
      << rig.streamer->reason();
  EXPECT_EQ(Digest(JobLines(rig.sim->Accepted())), Digest(program));
  EXPECT_THAT(rig.sim->Received(), HasSubstr("\nM105\n"));
}

TEST(MarlinStream, EmergencyStopGoesOutAheadOfEveryQueuedLine) {
  Rig rig = Connect({.window = 4});
  rig.streamer->StartJob(Program(200000));
  while (rig.streamer->lines_acknowledged() < 500)
    absl::SleepFor(absl::Milliseconds(1));
  rig.streamer->EmergencyStop("staff pressed stop");
  EXPECT_EQ(rig.streamer->outcome(), Outcome::kAborted);
  absl::SleepFor(absl::Milliseconds(200));
  const std::string wire = rig.sim->Received();
  const size_t stop = wire.find("M112\n");
  ASSERT_NE(stop, std::string::npos);
  EXPECT_EQ(wire.substr(stop),
            "M112\nM104 S0\nM140 S0\n");  // nothing numbered after it
  EXPECT_TRUE(rig.sim->halted());
  EXPECT_THAT(rig.streamer->reason(), HasSubstr("staff pressed stop"));
}

TEST(MarlinStream, AFirmwareResetMidJobAbortsIt) {
  Rig rig = Connect();
  rig.streamer->StartJob(Program(200000));
  while (rig.streamer->lines_acknowledged() < 200)
    absl::SleepFor(absl::Milliseconds(1));
  rig.sim->Reset();
  EXPECT_EQ(rig.streamer->Wait(absl::Seconds(10)), Outcome::kAborted);
  EXPECT_THAT(rig.streamer->reason(), HasSubstr("firmware reset"));
  const size_t accepted = JobLines(rig.sim->Accepted()).size();
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(JobLines(rig.sim->Accepted()).size(), accepted)
      << "job lines were sent after the reset";
  // The new session began with the safe state.
  EXPECT_EQ(rig.sim->Accepted().back(), "M84");
}

TEST(MarlinStream, ASilentFirmwareIsDeclaredDead) {
  Rig rig = Connect({.window = 1,
                     .response_timeout = absl::Milliseconds(200),
                     .probe_timeout = absl::Milliseconds(300)});
  rig.streamer->StartJob(Program(200000));
  while (rig.streamer->lines_acknowledged() < 100)
    absl::SleepFor(absl::Milliseconds(1));
  rig.sim->SetSilent(true);
  EXPECT_EQ(rig.streamer->Wait(absl::Seconds(5)), Outcome::kFailed);
  EXPECT_THAT(rig.streamer->reason(), HasSubstr("stopped answering"));
}

TEST(MarlinStream, AVanishedPortFailsTheJobWithoutHanging) {
  Rig rig = Connect();
  rig.streamer->StartJob(Program(200000));
  while (rig.streamer->lines_acknowledged() < 100)
    absl::SleepFor(absl::Milliseconds(1));
  const absl::Time pulled = absl::Now();
  rig.sim->Disconnect();
  EXPECT_EQ(rig.streamer->Wait(absl::Seconds(5)), Outcome::kFailed);
  EXPECT_LT(absl::Now() - pulled, absl::Seconds(5));
  EXPECT_THAT(rig.streamer->reason(), HasSubstr("serial link lost"));
}

}  // namespace
}  // namespace werkbank
