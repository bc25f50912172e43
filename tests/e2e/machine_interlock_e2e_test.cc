// SPDX-License-Identifier: EUPL-1.2
// Safety invariants 2 and 3: a tripped interlock stops the machine at once,
// and nothing resumes by itself. The door, a missed presence confirmation and
// an emergency stop each stop a running laser; only a person continues.
#include <gmock/gmock.h>

#include "machine_fixture.h"

namespace werkbank::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

class InterlockE2E : public MachineE2E {
 protected:
  grpc::Status Resume(const std::string& token, int64_t id) {
    v1::ResumeJobRequest req;
    req.set_id(id);
    v1::Job job;
    auto ctx = Authed(token);
    return v1::Jobs::NewStub(ch_)->ResumeJob(ctx.get(), req, &job);
  }
};

TEST_F(InterlockE2E, TheDoorHoldsTheLaserAndOnlyAPersonResumes) {
  StartLab();
  const int64_t id = StartLaserJob(3000);
  Control("laser", "door open");
  ASSERT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(2)));
  EXPECT_EQ(SimState("laser")["state"], "Door");
  ASSERT_TRUE(WaitForState("laser-1", v1::MACHINE_STATE_PAUSED));
  EXPECT_EQ(GetJob(id).state(), v1::JOB_STATE_PAUSED);
  const std::string held_at = SimState("laser")["accepted"];
  // Not while the door is open ...
  EXPECT_THAT(Resume(pia_, id).error_message(), HasSubstr("door is open"));
  // ... and closing it does not resume anything by itself.
  Control("laser", "door closed");
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(GetMachine("laser-1").state(), v1::MACHINE_STATE_PAUSED);
  EXPECT_EQ(SimState("laser")["accepted"], held_at);
  EXPECT_EQ(SimState("laser")["laser_on"], "0");
  // Someone else's resume is refused; the owner's works.
  EXPECT_EQ(Resume(bob_, id).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Resume(pia_, id).ok());
  ASSERT_TRUE(
      WaitUntil([&] { return GetJob(id).state() == v1::JOB_STATE_COMPLETED; },
                absl::Seconds(30)));
  // Nothing lost across the hold (the state file is rewritten every 50 ms).
  EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["accepted"] == "3003"; },
                        absl::Seconds(1)))
      << SimState("laser")["accepted"];
  EXPECT_THAT(AuditActions(), Contains("job.hold machine/laser-1"));
}

TEST_F(InterlockE2E, AMissedPresenceConfirmationHoldsTheJob) {
  StartLab(/*presence_seconds=*/2);
  const int64_t id = StartLaserJob(3000);
  ASSERT_TRUE(
      WaitForState("laser-1", v1::MACHINE_STATE_PAUSED, absl::Seconds(6)));
  EXPECT_EQ(SimState("laser")["laser_on"], "0");
  EXPECT_THAT(GetMachine("laser-1").interlocks(),
              ::testing::Not(::testing::IsEmpty()));
  EXPECT_THAT(AuditActions(), Contains("interlock.presence machine/laser-1"));
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(GetMachine("laser-1").state(),
            v1::MACHINE_STATE_PAUSED);  // stays held
  // `werkbank here` and an explicit resume continue it.
  v1::ConfirmPresenceRequest here;
  here.set_id("laser-1");
  v1::Machine m;
  auto ctx = Authed(pia_);
  ASSERT_TRUE(
      v1::Machines::NewStub(ch_)->ConfirmPresence(ctx.get(), here, &m).ok());
  ASSERT_TRUE(Resume(pia_, id).ok());
  EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "1"; },
                        absl::Seconds(2)));
}

TEST_F(InterlockE2E, AnEmergencyStopFaultsTheMachineUntilStaffAcknowledge) {
  StartLab();
  const int64_t id = StartLaserJob(3000);
  auto machines = v1::Machines::NewStub(ch_);
  v1::EmergencyStopRequest stop;
  stop.set_id("laser-1");
  stop.set_reason("smoke");
  v1::Machine m;
  auto bctx = Authed(bob_);
  EXPECT_EQ(machines->EmergencyStop(bctx.get(), stop, &m).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);  // not bob's machine
  auto ctx = Authed(pia_);
  ASSERT_TRUE(machines->EmergencyStop(ctx.get(), stop, &m).ok());
  EXPECT_EQ(m.state(), v1::MACHINE_STATE_FAULT);
  ASSERT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(1)));
  EXPECT_EQ(GetJob(id).state(), v1::JOB_STATE_CANCELLED);
  // Nobody unlocks a faulted machine; staff acknowledge first.
  EXPECT_THAT(Unlock(pia_, "laser-1").error_message(), HasSubstr("in fault"));
  v1::AcknowledgeFaultRequest ack;
  ack.set_id("laser-1");
  ack.set_note("smoke was from the material; cleaned");
  auto actx = Authed(admin_);
  ASSERT_TRUE(machines->AcknowledgeFault(actx.get(), ack, &m).ok());
  ASSERT_TRUE(WaitForState("laser-1", v1::MACHINE_STATE_LOCKED));
  const auto actions = AuditActions();
  EXPECT_THAT(actions, Contains("machine.emergency_stop machine/laser-1"));
  EXPECT_THAT(actions, Contains("machine.fault_acknowledged machine/laser-1"));
}

// Nothing about a stop's text may refuse it: a reason far too long, with a
// control character and bytes that are not UTF-8, still stops the laser at
// once; the record keeps it shortened and escaped.
TEST_F(InterlockE2E, AStopIsNeverRefusedForItsText) {
  StartLab();
  const int64_t id = StartLaserJob(3000);
  std::string reason = "smoke\x01 at the lens \xFF\xC3(";
  while (reason.size() < 2000) reason += "flames! ";
  v1::EmergencyStopRequest stop;
  stop.set_id("laser-1");
  stop.set_reason(reason);
  v1::Machine m;
  auto ctx = Authed(admin_);
  grpc::Status s =
      v1::Machines::NewStub(ch_)->EmergencyStop(ctx.get(), stop, &m);
  ASSERT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
  EXPECT_EQ(m.state(), v1::MACHINE_STATE_FAULT);
  ASSERT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(1)));
  const v1::Job job = GetJob(id);
  EXPECT_EQ(job.state(), v1::JOB_STATE_CANCELLED);
  EXPECT_THAT(job.end_reason(),
              HasSubstr("emergency stop by admin: smoke\\x01 at the lens "
                        "\\xFF\\xC3("));
  EXPECT_THAT(job.end_reason(), ::testing::EndsWith("…"));
  EXPECT_LE(job.end_reason().size(), 600u);
}

}  // namespace
}  // namespace werkbank::testing

namespace werkbank::testing {
namespace {

// An alarm (a hard limit switch) aborts the job and faults the laser; it
// runs again only after staff acknowledge, which also lifts GRBL's alarm
// lock.
TEST_F(InterlockE2E, AnAlarmFaultsTheLaserUntilStaffAcknowledge) {
  StartLab();
  const int64_t id = StartLaserJob(3000);
  Control("laser", "alarm 1");
  ASSERT_TRUE(WaitForState("laser-1", v1::MACHINE_STATE_FAULT));
  EXPECT_THAT(GetMachine("laser-1").fault_reason(),
              HasSubstr("ALARM:1 (hard limit"));
  EXPECT_EQ(GetJob(id).state(), v1::JOB_STATE_FAILED);
  EXPECT_EQ(SimState("laser")["state"], "Alarm");
  auto machines = v1::Machines::NewStub(ch_);
  v1::AcknowledgeFaultRequest ack;
  ack.set_id("laser-1");
  v1::Machine m;
  auto ctx = Authed(admin_);
  ASSERT_TRUE(machines->AcknowledgeFault(ctx.get(), ack, &m).ok());
  ASSERT_TRUE(WaitForState("laser-1", v1::MACHINE_STATE_LOCKED));
  EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["state"] != "Alarm"; },
                        absl::Seconds(2)));
  ASSERT_TRUE(Unlock(pia_, "laser-1").ok());
  const v1::Job again = Upload(pia_, "laser-1", LaserProgram(10));
  ASSERT_TRUE(StartJob(pia_, again.id()).ok());
  EXPECT_TRUE(WaitUntil(
      [&] { return GetJob(again.id()).state() == v1::JOB_STATE_COMPLETED; },
      absl::Seconds(20)))
      << GetJob(again.id()).DebugString()
      << GetMachine("laser-1").DebugString();
}

// Thermal: a heater that quietly stops heating is noticed by the host, which
// stops the printer as configured (estop) and faults it.
TEST_F(InterlockE2E, AHeaterThatDriftsAwayStopsThePrinter) {
  StartLab();
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  std::string print = "M104 S200\nG28\n";
  for (int i = 0; i < 3000; ++i)
    absl::StrAppend(&print, "G1 X", 10 + i % 100, " Y20 F1200\n");
  const v1::Job job = Upload(pia_, "printer-1", print);
  ASSERT_TRUE(StartJob(pia_, job.id(), {}).ok());
  auto hotend = [&] {
    const v1::Machine m = GetMachine("printer-1");
    return m.temperatures_size() > 0 ? m.temperatures(0).current_c() : 0.0;
  };
  ASSERT_TRUE(WaitUntil([&] { return hotend() > 190; }, absl::Seconds(10)));
  Control("printer", "heater broken");
  ASSERT_TRUE(
      WaitForState("printer-1", v1::MACHINE_STATE_FAULT, absl::Seconds(20)));
  EXPECT_THAT(GetMachine("printer-1").fault_reason(),
              HasSubstr("emergency stop"));
  EXPECT_TRUE(WaitUntil([&] { return SimState("printer")["halted"] == "1"; },
                        absl::Seconds(2)));
  EXPECT_THAT(AuditActions(), Contains("interlock.thermal machine/printer-1"));
}

// The reservation window: a laser job does not run past the end of its
// reservation; it is held, and cannot be resumed after the end. The daemon's
// clock is moved past the end instead of waiting for it.
TEST_F(InterlockE2E, TheEndOfTheReservationHoldsALaserJob) {
  daemon_binary_ = "werkbankd-shifted-clock";
  StartLab(/*presence_seconds=*/0, /*laser_block_us=*/500000);
  // The daemon's time is one second into a minute: the one-minute booking
  // has 59 s left, which the job's estimate (~13 s) fits.
  const absl::Time now = absl::Now();
  clock_shift_ =
      absl::FromUnixSeconds(absl::ToUnixSeconds(now) / 60 * 60 + 61) - now;
  daemon_->ShiftClock(clock_shift_);
  absl::SleepFor(absl::Milliseconds(50));  // the daemon reads it in 10 ms
  BookNowAndCheckIn(pia_, "laser-1", absl::Minutes(1));
  ASSERT_TRUE(Unlock(pia_, "laser-1").ok());
  const v1::Job job =
      Upload(pia_, "laser-1", LaserProgram(200));  // ~100 s on this laser
  grpc::Status started = StartJob(pia_, job.id());
  ASSERT_TRUE(started.ok()) << started.error_message();
  ASSERT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "1"; },
                        absl::Seconds(5)));
  EXPECT_EQ(GetMachine("laser-1").state(), v1::MACHINE_STATE_RUNNING);
  // The minute ends while the job runs.
  daemon_->ShiftClock(clock_shift_ + absl::Minutes(1));
  ASSERT_TRUE(
      WaitForState("laser-1", v1::MACHINE_STATE_PAUSED, absl::Seconds(5)));
  EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(1)));
  EXPECT_THAT(AuditActions(),
              Contains("interlock.reservation machine/laser-1"));
  EXPECT_THAT(AuditActions(), Contains("job.warning machine/laser-1"));
  EXPECT_THAT(Resume(pia_, job.id()).error_message(),
              HasSubstr("reservation has ended"));
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(GetMachine("laser-1").state(), v1::MACHINE_STATE_PAUSED);
}

}  // namespace
}  // namespace werkbank::testing
