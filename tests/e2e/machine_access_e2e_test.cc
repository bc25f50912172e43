// SPDX-License-Identifier: EUPL-1.2
// Safety invariant 1: no byte of a job reaches a machine unless it is
// unlocked for the user, the user is qualified, the time is inside their
// reservation, preflight passed and every interlock is satisfied. Each
// refusal says why, is audited, and the laser receives nothing.
#include <gmock/gmock.h>

#include "absl/strings/match.h"
#include "machine_fixture.h"

namespace werkbank::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

TEST_F(MachineE2E, EveryConditionOfTheFirstInvariantIsEnforced) {
  StartLab();
  const v1::Job job = Upload(pia_, "laser-1", LaserProgram(20));
  ASSERT_TRUE(job.preflight().passed());

  // Locked: nothing starts.
  grpc::Status locked = StartJob(pia_, job.id());
  EXPECT_EQ(locked.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(locked.error_message(), HasSubstr("is locked; unlock it first"));

  // No reservation right now (bob has none; pia's is tomorrow).
  grpc::Status none = Unlock(bob_, "laser-1");
  EXPECT_EQ(none.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(none.error_message(),
              HasSubstr("no reservation of laser-1 right now"));
  {
    auto stub = v1::Bookings::NewStub(ch_);
    v1::CreateReservationRequest req;
    req.set_machine_id("laser-1");
    *req.mutable_time()->mutable_start() = Ts(BerlinTomorrowAt(10));
    *req.mutable_time()->mutable_end() = Ts(BerlinTomorrowAt(11));
    v1::CreateReservationResponse made;
    auto ctx = Authed(pia_);
    ASSERT_TRUE(stub->CreateReservation(ctx.get(), req, &made).ok());
  }
  EXPECT_THAT(Unlock(pia_, "laser-1").error_message(), HasSubstr("right now"));

  // A current reservation, not checked in.
  auto stub = v1::Bookings::NewStub(ch_);
  const absl::Time start =
      absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 60 * 60);
  v1::CreateReservationRequest now_req;
  now_req.set_machine_id("laser-1");
  *now_req.mutable_time()->mutable_start() = Ts(start);
  *now_req.mutable_time()->mutable_end() = Ts(start + absl::Hours(1));
  v1::CreateReservationResponse now_res;
  auto bctx = Authed(pia_);
  ASSERT_TRUE(stub->CreateReservation(bctx.get(), now_req, &now_res).ok());
  EXPECT_THAT(Unlock(pia_, "laser-1").error_message(),
              HasSubstr("check in to reservation"));

  // Checked in, but the qualification was revoked meanwhile.
  v1::CheckInRequest in;
  in.set_id(now_res.reservations(0).id());
  v1::Reservation r;
  auto ictx = Authed(pia_);
  ASSERT_TRUE(stub->CheckIn(ictx.get(), in, &r).ok());
  RevokeQualifications("pia", "laser", "goggles off");
  grpc::Status revoked = Unlock(pia_, "laser-1");
  EXPECT_EQ(revoked.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(revoked.error_message(), HasSubstr("revoked (goggles off)"));
  Brief("laser", "pia");

  // Blocked for maintenance: neither unlocked nor booked.
  {
    auto machines = v1::Machines::NewStub(ch_);
    v1::BlockRequest block;
    block.set_id("laser-1");
    block.set_reason("lens cleaning");
    v1::Machine m;
    auto ctx = Authed(admin_);
    ASSERT_TRUE(machines->Block(ctx.get(), block, &m).ok());
    EXPECT_EQ(m.state(), v1::MACHINE_STATE_BLOCKED);
    EXPECT_THAT(Unlock(pia_, "laser-1").error_message(),
                HasSubstr("blocked for maintenance: lens cleaning"));
    v1::CreateReservationRequest later = now_req;
    *later.mutable_time()->mutable_start() = Ts(BerlinTomorrowAt(15));
    *later.mutable_time()->mutable_end() = Ts(BerlinTomorrowAt(16));
    v1::CreateReservationResponse out;
    auto lctx = Authed(pia_);
    grpc::Status booked = stub->CreateReservation(lctx.get(), later, &out);
    EXPECT_THAT(booked.error_message(),
                HasSubstr("blocked for maintenance (lens cleaning)"));
    v1::UnblockRequest unblock;
    unblock.set_id("laser-1");
    auto uctx = Authed(admin_);
    ASSERT_TRUE(machines->Unblock(uctx.get(), unblock, &m).ok());
  }

  // Unlocked for pia: bob may not run a job on it.
  ASSERT_TRUE(Unlock(pia_, "laser-1").ok());
  const v1::Job bobs = Upload(bob_, "laser-1", LaserProgram(5));
  EXPECT_EQ(StartJob(bob_, bobs.id()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Preflight failed: never starts.
  const v1::Job unsafe =
      Upload(pia_, "laser-1", "G21 G90\nM4 S5000\nG1 X900 Y10 F1000\nM5\n");
  EXPECT_FALSE(unsafe.preflight().passed());
  EXPECT_EQ(unsafe.state(), v1::JOB_STATE_REJECTED);
  grpc::Status rejected = StartJob(pia_, unsafe.id());
  EXPECT_THAT(rejected.error_message(), HasSubstr("did not pass preflight"));

  // An interlock the lab has no sensor for must be confirmed by the user.
  EXPECT_THAT(StartJob(pia_, job.id(), {}).error_message(),
              HasSubstr("--confirm extraction"));

  // The door is open.
  Control("laser", "door open");
  ASSERT_TRUE(WaitUntil([&] { return DoorOpen("laser-1"); }, absl::Seconds(3)));
  grpc::Status door = StartJob(pia_, job.id());
  EXPECT_EQ(door.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(door.error_message(), HasSubstr("door is open"));

  // Through all of this the laser received no line of a job.
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(SimState("laser")["accepted"], "0");
  const auto actions = AuditActions();
  EXPECT_THAT(actions, Contains("machine.unlock_refused machine/laser-1"));
  EXPECT_THAT(actions,
              Contains("job.start_refused job/" + std::to_string(job.id())));

  // With the door closed, the same job runs to completion.
  Control("laser", "door closed");
  ASSERT_TRUE(
      WaitUntil([&] { return !DoorOpen("laser-1"); }, absl::Seconds(3)));
  ASSERT_TRUE(StartJob(pia_, job.id()).ok());
  ASSERT_TRUE(WaitUntil(
      [&] { return GetJob(job.id()).state() == v1::JOB_STATE_COMPLETED; },
      absl::Seconds(20)));
  // 20 moves, G21 G90, M4, M5 (the state file is rewritten every 50 ms).
  EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["accepted"] == "23"; },
                        absl::Seconds(1)))
      << SimState("laser")["accepted"];
  EXPECT_EQ(GetMachine("laser-1").state(), v1::MACHINE_STATE_UNLOCKED);
}

// A dry run on the laser itself (`$C` check mode) before anything fires:
// the laser rejects what preflight could not know, and never turns on.
TEST_F(MachineE2E, ADryRunOnTheLaserReportsItsErrorsWithoutFiring) {
  StartLab();
  auto ctx = Authed(pia_);
  v1::Job job;
  auto writer = v1::Jobs::NewStub(ch_)->UploadJob(ctx.get(), &job);
  v1::UploadJobRequest header;
  header.mutable_header()->set_machine_id("laser-1");
  header.mutable_header()->set_file_name("offset.gcode");
  header.mutable_header()->set_dry_run_on_machine(true);
  writer->Write(header);
  v1::UploadJobRequest chunk;
  // G43.1 (a tool length offset) passes preflight, but the simulated laser's
  // firmware was built without it: its check mode rejects the line.
  chunk.set_chunk(
      "G21 G90\nM4 S300\nG1 X10 Y10 F1000\nG43.1 Z0\nG1 X20 Y20\nM5\n");
  writer->Write(chunk);
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(job.preflight().passed());
  ASSERT_EQ(job.preflight().violations_size(), 1);
  EXPECT_EQ(job.preflight().violations(0).line(), 4);
  EXPECT_EQ(job.preflight().violations(0).rule(), "dry run");
  EXPECT_THAT(job.preflight().violations(0).message(), HasSubstr("error:20"));
  EXPECT_EQ(SimState("laser")["accepted"], "0");  // nothing ran for real
  EXPECT_EQ(SimState("laser")["laser_on"], "0");
  EXPECT_EQ(GetMachine("laser-1").state(), v1::MACHINE_STATE_LOCKED);
}

// The machine locks when the person who unlocked it logs out, or when staff
// revoke that person's sessions.
TEST_F(MachineE2E, LogoutAndRevokedSessionsLockTheMachine) {
  StartLab();
  BookNowAndCheckIn(pia_, "laser-1");
  ASSERT_TRUE(Unlock(pia_, "laser-1").ok());
  auto accounts = v1::Accounts::NewStub(ch_);
  v1::LogoutResponse out;
  auto lctx = Authed(pia_);
  ASSERT_TRUE(accounts->Logout(lctx.get(), v1::LogoutRequest(), &out).ok());
  EXPECT_EQ(GetMachine("laser-1").state(), v1::MACHINE_STATE_LOCKED);

  BookNowAndCheckIn(tom_, "printer-1");
  ASSERT_TRUE(Unlock(tom_, "printer-1").ok());
  EXPECT_EQ(GetMachine("printer-1").state(), v1::MACHINE_STATE_UNLOCKED);
  v1::RevokeSessionsRequest revoke;
  revoke.set_login("tom");
  v1::RevokeSessionsResponse revoked;
  auto rctx = Authed(admin_);
  ASSERT_TRUE(accounts->RevokeSessions(rctx.get(), revoke, &revoked).ok());
  EXPECT_EQ(GetMachine("printer-1").state(), v1::MACHINE_STATE_LOCKED);
}

TEST_F(MachineE2E, ATrainersWorkshopLetsItsParticipantsRunJobs) {
  StartLab();
  const int64_t workshop = [&] {
    auto stub = v1::Bookings::NewStub(ch_);
    const absl::Time start =
        absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 60 * 60);
    v1::CreateReservationRequest req;
    req.set_machine_id("printer-1");
    req.set_kind(v1::RESERVATION_KIND_WORKSHOP);
    req.add_participant_logins("bob");
    *req.mutable_time()->mutable_start() = Ts(start);
    *req.mutable_time()->mutable_end() = Ts(start + absl::Hours(2));
    v1::CreateReservationResponse made;
    auto ctx = Authed(tom_);
    EXPECT_TRUE(stub->CreateReservation(ctx.get(), req, &made).ok());
    v1::CheckInRequest in;
    in.set_id(made.reservations(0).id());
    v1::Reservation r;
    auto ictx = Authed(tom_);
    EXPECT_TRUE(stub->CheckIn(ictx.get(), in, &r).ok());
    return made.reservations(0).id();
  }();
  ASSERT_GT(workshop, 0);
  // bob holds no fdm qualification, but attends tom's workshop.
  EXPECT_FALSE(Unlock(bob_, "printer-1").ok());
  ASSERT_TRUE(Unlock(tom_, "printer-1").ok());
  const v1::Job job =
      Upload(bob_, "printer-1", "G28\nG1 Z5 F600\nG1 X20 Y20 F3000\n");
  ASSERT_TRUE(StartJob(bob_, job.id(), {}).ok());
  ASSERT_TRUE(WaitUntil(
      [&] { return GetJob(job.id()).state() == v1::JOB_STATE_COMPLETED; },
      absl::Seconds(20)));
  // pia is qualified but not in the workshop: not her unlock.
  const v1::Job pias = Upload(pia_, "printer-1", "G28\n");
  EXPECT_EQ(StartJob(pia_, pias.id(), {}).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace werkbank::testing

namespace werkbank::testing {
namespace {

// The printer's cancel script (park the head) follows the stop and reaches
// the firmware after it; heaters stay off.
TEST_F(MachineE2E, ACancelledPrintEndsWithTheMachinesCancelScript) {
  printer_scripts_ = R"(  scripts {
    start: "M117 werkbank"
    cancel: "G91"
    cancel: "G1 Z10 F600"
    cancel: "G90"
  })";
  StartLab();
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  std::string print = "M104 S205\nG28\n";
  for (int i = 0; i < 5000; ++i)
    absl::StrAppend(&print, "G1 X", 10 + i % 100, " Y20 F1200\n");
  const v1::Job job = Upload(pia_, "printer-1", print);
  ASSERT_TRUE(StartJob(pia_, job.id(), {}).ok());
  ASSERT_TRUE(
      WaitUntil([&] { return SimState("printer")["hotend_target"] == "205"; },
                absl::Seconds(5)));
  v1::CancelJobRequest cancel;
  cancel.set_id(job.id());
  cancel.set_reason("wrong filament");
  v1::Job cancelled;
  auto ctx = Authed(pia_);
  ASSERT_TRUE(
      v1::Jobs::NewStub(ch_)->CancelJob(ctx.get(), cancel, &cancelled).ok());
  // Heaters off, the machine's own script, and only then motors released.
  EXPECT_TRUE(WaitUntil(
      [&] {
        return absl::EndsWith(SimState("printer")["tail"],
                              "M107|G91|G1 Z10 F600|G90|M84");
      },
      absl::Seconds(3)))
      << "last accepted: " << SimState("printer")["tail"];
  EXPECT_EQ(SimState("printer")["hotend_target"], "0");
  EXPECT_TRUE(WaitUntil(
      [&] { return GetJob(job.id()).state() == v1::JOB_STATE_CANCELLED; },
      absl::Seconds(3)));
}

}  // namespace
}  // namespace werkbank::testing
