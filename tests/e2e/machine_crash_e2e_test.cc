// SPDX-License-Identifier: EUPL-1.2
// Safety invariants 4 and 5: after kill -9 of the daemon in the middle of a
// job, the restarted daemon drives every machine to its safe state and marks
// the job interrupted; a lost serial link puts the machine in fault, and
// nothing resumes when the link comes back.
#include <gmock/gmock.h>

#include "machine_fixture.h"

namespace werkbank::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

TEST_F(MachineE2E, KillMinus9MidJobLeavesEveryMachineSafeAfterRestart) {
  StartLab();
  BookNowAndCheckIn(pia_, "laser-1");
  BookNowAndCheckIn(pia_, "printer-1");
  const auto [cut, printing] = StartLongCutAndPrint();
  ASSERT_FALSE(HasFailure());

  daemon_->Kill();
  // The simulators run on; the laser's planner keeps firing what it has.
  StartDaemon();
  const absl::Time restarted = absl::Now();
  ASSERT_TRUE(WaitUntil(
      [&] {
        return SimState("laser")["laser_on"] == "0" &&
               SimState("printer")["hotend_target"] == "0";
      },
      absl::Seconds(2)))
      << "laser_on=" << SimState("laser")["laser_on"]
      << " hotend_target=" << SimState("printer")["hotend_target"];
  EXPECT_LT(absl::Now() - restarted, absl::Seconds(2));
  admin_ = Login(ch_, "admin", daemon_->admin_password());
  EXPECT_EQ(GetJob(cut.id()).state(), v1::JOB_STATE_INTERRUPTED);
  EXPECT_EQ(GetJob(printing.id()).state(), v1::JOB_STATE_INTERRUPTED);
  EXPECT_THAT(GetJob(cut.id()).end_reason(),
              HasSubstr("does not resume by itself"));
  // Nothing resumed: no more lines arrive.
  const std::string accepted = SimState("laser")["accepted"];
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(SimState("laser")["accepted"], accepted);
  EXPECT_THAT(AuditActions(),
              Contains("job.interrupted job/" + std::to_string(cut.id())));
  // If the restart's reset met the laser still in motion, GRBL raised
  // ALARM:3 and keeps its alarm lock: werkbank shows a fault and staff
  // decide. (A slow restart finds the laser idle: it is simply locked.)
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  v1::Machine laser = GetMachine("laser-1");
  while (laser.state() != v1::MACHINE_STATE_FAULT &&
         laser.state() != v1::MACHINE_STATE_LOCKED && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
    laser = GetMachine("laser-1");
  }
  if (laser.state() == v1::MACHINE_STATE_FAULT) {
    EXPECT_THAT(laser.fault_reason(), HasSubstr("ALARM:3"));
    EXPECT_EQ(SimState("laser")["state"], "Alarm");
    v1::AcknowledgeFaultRequest ack;
    ack.set_id("laser-1");
    v1::Machine m;
    auto ctx = Authed(admin_);
    ASSERT_TRUE(
        v1::Machines::NewStub(ch_)->AcknowledgeFault(ctx.get(), ack, &m).ok());
  }
  ASSERT_TRUE(WaitForState("laser-1", v1::MACHINE_STATE_LOCKED));
  // The simulator writes its state file on its own beat.
  EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["state"] == "Idle"; },
                        absl::Seconds(2)))
      << "the laser is " << SimState("laser")["state"];
}

TEST_F(MachineE2E, ALostLinkIsAFaultAndNothingResumesWhenItComesBack) {
  StartLab();
  BookNowAndCheckIn(pia_, "laser-1");
  ASSERT_TRUE(Unlock(pia_, "laser-1").ok());
  const v1::Job job = Upload(pia_, "laser-1", LaserProgram(20000));
  ASSERT_TRUE(StartJob(pia_, job.id()).ok());
  ASSERT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "1"; },
                        absl::Seconds(5)));
  Control("laser", "unplug");
  ASSERT_TRUE(
      WaitForState("laser-1", v1::MACHINE_STATE_FAULT, absl::Seconds(3)));
  EXPECT_THAT(GetMachine("laser-1").fault_reason(),
              HasSubstr("serial link lost"));
  EXPECT_EQ(GetJob(job.id()).state(), v1::JOB_STATE_FAILED);
  // The cable is plugged in again; the daemon reconnects, makes the machine
  // safe, and waits for staff.
  Control("laser", "replug");
  absl::SleepFor(absl::Seconds(3));
  EXPECT_EQ(GetMachine("laser-1").state(), v1::MACHINE_STATE_FAULT);
  const std::string accepted = SimState("laser")["accepted"];
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(SimState("laser")["accepted"], accepted);
  EXPECT_EQ(SimState("laser")["laser_on"], "0");
  auto machines = v1::Machines::NewStub(ch_);
  v1::AcknowledgeFaultRequest ack;
  ack.set_id("laser-1");
  v1::Machine m;
  auto ctx = Authed(admin_);
  ASSERT_TRUE(machines->AcknowledgeFault(ctx.get(), ack, &m).ok());
  ASSERT_TRUE(WaitForState("laser-1", v1::MACHINE_STATE_LOCKED));
  EXPECT_THAT(AuditActions(), Contains("machine.state machine/laser-1"));
}

}  // namespace
}  // namespace werkbank::testing
