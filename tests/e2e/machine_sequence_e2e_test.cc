// SPDX-License-Identifier: EUPL-1.2
// Sequences across the real werkbankd and the simulated firmware that no
// single-job test covers (issue 14): stopping the daemon mid-job, taking away
// what an unlock rests on, the configured door action, who may resume a held
// laser, a printer halted by an emergency stop, and what the answers to
// pause, resume and cancel say. Each asserts what a person at the machine,
// in the CLI or in the audit log would see.
#include <gmock/gmock.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "machine_fixture.h"

namespace werkbank::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class SequenceE2E : public MachineE2E {
 protected:
  bool Audited(const std::string& action_subject, const std::string& detail) {
    for (const std::string& line : AuditLines()) {
      if (absl::StartsWith(line, action_subject + ": ") &&
          absl::StrContains(line, detail)) {
        return true;
      }
    }
    return false;
  }

  grpc::Status Resume(const std::string& token, int64_t id,
                      v1::Job* out = nullptr) {
    v1::ResumeJobRequest req;
    req.set_id(id);
    v1::Job job;
    auto ctx = Authed(token);
    grpc::Status s = v1::Jobs::NewStub(ch_)->ResumeJob(ctx.get(), req, &job);
    if (out) *out = job;
    return s;
  }

  grpc::Status Pause(const std::string& token, int64_t id, v1::Job* out) {
    v1::PauseJobRequest req;
    req.set_id(id);
    auto ctx = Authed(token);
    return v1::Jobs::NewStub(ch_)->PauseJob(ctx.get(), req, out);
  }

  grpc::Status Cancel(const std::string& token, int64_t id,
                      v1::Job* out = nullptr) {
    v1::CancelJobRequest req;
    req.set_id(id);
    v1::Job job;
    auto ctx = Authed(token);
    grpc::Status s = v1::Jobs::NewStub(ch_)->CancelJob(ctx.get(), req, &job);
    if (out) *out = job;
    return s;
  }

  grpc::Status CancelReservation(const std::string& token, int64_t id) {
    v1::CancelReservationRequest req;
    req.set_id(id);
    req.set_reason("the room is needed");
    v1::Reservation r;
    auto ctx = Authed(token);
    return v1::Bookings::NewStub(ch_)->CancelReservation(ctx.get(), req, &r);
  }

  void AcknowledgeFault(const std::string& machine) {
    v1::AcknowledgeFaultRequest ack;
    ack.set_id(machine);
    v1::Machine m;
    auto ctx = Authed(admin_);
    grpc::Status s =
        v1::Machines::NewStub(ch_)->AcknowledgeFault(ctx.get(), ack, &m);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // A print of `moves` moves that heats the hotend to 205 °C first.
  static std::string Print(int moves) {
    std::string print = "M104 S205\nG28\n";
    for (int i = 0; i < moves; ++i)
      absl::StrAppend(&print, "G1 X", 10 + i % 100, " Y20 F1200\n");
    return print;
  }

  // `token` unlocks the laser inside a new reservation of theirs and starts
  // a cut of `moves` moves; returns the job's id once the laser fires.
  int64_t StartCutAs(const std::string& token, int moves) {
    BookNowAndCheckIn(token, "laser-1");
    EXPECT_TRUE(Unlock(token, "laser-1").ok());
    const v1::Job job = Upload(token, "laser-1", LaserProgram(moves));
    grpc::Status s = StartJob(token, job.id());
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "1"; },
                          absl::Seconds(5)));
    return job.id();
  }

  // Once the line on its way has landed, the number of lines the firmware
  // accepted stays the same for a second: nothing more of a job reaches it.
  void ExpectNothingMoreAccepted(const std::string& machine) {
    absl::SleepFor(absl::Milliseconds(500));
    const std::string accepted = SimState(machine)["accepted"];
    absl::SleepFor(absl::Seconds(1));
    EXPECT_EQ(SimState(machine)["accepted"], accepted)
        << machine << " took " << SimState(machine)["tail"];
  }
};

// Bug 3: `systemctl stop` in the middle of a cut and a print. The daemon
// puts both machines into their safe state before it exits and says so; the
// simulators, which run on, show heaters and beam off and take no further
// line; after the restart both jobs read as interrupted.
TEST_F(SequenceE2E, StoppingTheDaemonLeavesEveryMachineSafe) {
  StartLab();
  BookNowAndCheckIn(pia_, "laser-1");
  BookNowAndCheckIn(pia_, "printer-1");
  const auto [cut, printing] = StartLongCutAndPrint();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(SimState("printer")["bed_target"], "60");

  EXPECT_EQ(daemon_->Stop(), 0);
  EXPECT_THAT(daemon_->log(),
              HasSubstr("every machine is in its safe state (heaters and "
                        "laser off)"));
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto laser = SimState("laser");
        auto printer = SimState("printer");
        return laser["laser_on"] == "0" && printer["hotend_target"] == "0" &&
               printer["bed_target"] == "0";
      },
      absl::Seconds(1)))
      << "laser_on=" << SimState("laser")["laser_on"]
      << " hotend_target=" << SimState("printer")["hotend_target"]
      << " bed_target=" << SimState("printer")["bed_target"];
  EXPECT_EQ(SimState("printer")["last"], "M84");  // motors released last
  ExpectNothingMoreAccepted("laser");
  ExpectNothingMoreAccepted("printer");
  EXPECT_EQ(SimState("laser")["laser_on"], "0");

  StartDaemon();
  admin_ = Login(ch_, "admin", daemon_->admin_password());
  for (int64_t id : {cut.id(), printing.id()}) {
    const v1::Job job = GetJob(id);
    EXPECT_EQ(job.state(), v1::JOB_STATE_INTERRUPTED) << id;
    EXPECT_THAT(job.end_reason(), HasSubstr("the daemon is stopping")) << id;
  }
  EXPECT_TRUE(
      Audited("machine.safe_state machine/laser-1", "the daemon is stopping"));
  EXPECT_TRUE(Audited("machine.safe_state machine/printer-1",
                      "the daemon is stopping"));
  // The stop's own reset of the laser is not a fault: it comes back locked.
  EXPECT_TRUE(WaitForState("laser-1", v1::MACHINE_STATE_LOCKED));
  EXPECT_TRUE(WaitForState("printer-1", v1::MACHINE_STATE_LOCKED));
}

// Bug 4 (a)-(c): cancelling the reservation, revoking the qualification or
// disabling the account each lock an unlocked, idle machine at once, and a
// job start is then refused.
TEST_F(SequenceE2E, WithdrawingWhatAnUnlockRestsOnLocksTheMachine) {
  StartLab();
  const v1::Job cut = Upload(pia_, "laser-1", LaserProgram(20));
  const v1::Job print = Upload(pia_, "printer-1", Print(20));
  auto expect_locked_and_refused = [&](const std::string& machine,
                                       int64_t job) {
    EXPECT_EQ(GetMachine(machine).state(), v1::MACHINE_STATE_LOCKED) << machine;
    const grpc::Status s = StartJob(pia_, job);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(s.error_message(), HasSubstr("is locked"));
  };

  // (a) Staff cancel the reservation the laser was unlocked for.
  const int64_t reservation = BookNowAndCheckIn(pia_, "laser-1");
  ASSERT_TRUE(Unlock(pia_, "laser-1").ok());
  ASSERT_TRUE(CancelReservation(admin_, reservation).ok());
  expect_locked_and_refused("laser-1", cut.id());
  EXPECT_TRUE(
      Audited("machine.lock machine/laser-1",
              absl::StrCat("reservation ", reservation, " was cancelled")));

  // (b) Staff revoke pia's printer qualification while it is unlocked.
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  RevokeQualifications("pia", "fdm", "left the printer heating unattended");
  expect_locked_and_refused("printer-1", print.id());
  EXPECT_TRUE(Audited("machine.lock machine/printer-1",
                      "qualification for fdm was revoked"));

  // (c) Staff disable the account of the person who unlocked the laser.
  const int64_t again = BookNowAndCheckIn(pia_, "laser-1");
  ASSERT_GT(again, 0);
  ASSERT_TRUE(Unlock(pia_, "laser-1").ok());
  {
    v1::UpdateUserRequest up;
    up.set_login("pia");
    up.set_disabled(true);
    up.set_reason("account closed");
    v1::User u;
    auto ctx = Authed(admin_);
    ASSERT_TRUE(v1::Accounts::NewStub(ch_)->UpdateUser(ctx.get(), up, &u).ok());
  }
  EXPECT_EQ(GetMachine("laser-1").state(), v1::MACHINE_STATE_LOCKED);
  EXPECT_NE(StartJob(pia_, cut.id()).error_code(), grpc::StatusCode::OK);
  EXPECT_TRUE(Audited("machine.lock machine/laser-1",
                      "every session of the unlocking person ended"));
  // Through all of this no job line reached the laser.
  EXPECT_EQ(SimState("laser")["accepted"], "0");
}

// Bug 4 (d): a running laser whose reservation is cancelled is held at
// once, and its owner cannot resume it on the withdrawn unlock.
TEST_F(SequenceE2E, ACancelledReservationHoldsARunningLaser) {
  StartLab();
  const int64_t reservation = BookNowAndCheckIn(pia_, "laser-1");
  ASSERT_TRUE(Unlock(pia_, "laser-1").ok());
  const v1::Job job = Upload(pia_, "laser-1", LaserProgram(3000));
  ASSERT_TRUE(StartJob(pia_, job.id()).ok());
  ASSERT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "1"; },
                        absl::Seconds(5)));
  ASSERT_TRUE(CancelReservation(admin_, reservation).ok());
  ASSERT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(2)));
  ASSERT_TRUE(WaitForState("laser-1", v1::MACHINE_STATE_PAUSED));
  EXPECT_EQ(GetJob(job.id()).state(), v1::JOB_STATE_PAUSED);
  EXPECT_TRUE(
      Audited("machine.lock_pending machine/laser-1",
              absl::StrCat("reservation ", reservation, " was cancelled")));
  const grpc::Status resumed = Resume(pia_, job.id());
  EXPECT_EQ(resumed.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(resumed.error_message(), HasSubstr("reservation has ended"));
  ExpectNothingMoreAccepted("laser");
  EXPECT_EQ(SimState("laser")["laser_on"], "0");
  // Cancelling the held job leaves the laser locked, not unlocked.
  ASSERT_TRUE(Cancel(pia_, job.id()).ok());
  EXPECT_TRUE(WaitForState("laser-1", v1::MACHINE_STATE_LOCKED));
}

// Bug 4 (d): a running print whose reservation is cancelled may finish (as at
// the reservation's end); then the printer is locked and nothing new starts.
TEST_F(SequenceE2E, ACancelledReservationLetsAPrintFinishThenLocks) {
  StartLab();
  const int64_t reservation = BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  const v1::Job job = Upload(pia_, "printer-1", Print(300));
  const v1::Job next = Upload(pia_, "printer-1", Print(5));
  ASSERT_TRUE(StartJob(pia_, job.id(), {}).ok());
  ASSERT_TRUE(
      WaitUntil([&] { return SimState("printer")["hotend_target"] == "205"; },
                absl::Seconds(5)));
  ASSERT_TRUE(CancelReservation(admin_, reservation).ok());
  EXPECT_TRUE(
      Audited("machine.lock_pending machine/printer-1",
              absl::StrCat("reservation ", reservation, " was cancelled")));
  EXPECT_EQ(GetMachine("printer-1").state(), v1::MACHINE_STATE_RUNNING);
  ASSERT_TRUE(WaitUntil(
      [&] { return GetJob(job.id()).state() == v1::JOB_STATE_COMPLETED; },
      absl::Seconds(20)))
      << GetJob(job.id()).DebugString();
  EXPECT_TRUE(WaitForState("printer-1", v1::MACHINE_STATE_LOCKED));
  EXPECT_EQ(StartJob(pia_, next.id(), {}).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

// Bug 6: the door interlock does what the config says. "abort" cancels the
// cut; "estop" stops the laser and faults it; "hold" (default) pauses it.
TEST_F(SequenceE2E, TheDoorActionAbortCancelsTheCut) {
  laser_door_action_ = "ABORT";
  StartLab();
  const int64_t id = StartCutAs(pia_, 3000);
  Control("laser", "door open");
  ASSERT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(2)));
  ASSERT_TRUE(
      WaitUntil([&] { return GetJob(id).state() == v1::JOB_STATE_CANCELLED; },
                absl::Seconds(3)))
      << GetJob(id).DebugString();
  EXPECT_THAT(GetJob(id).end_reason(), HasSubstr("door is open"));
  EXPECT_NE(GetMachine("laser-1").state(), v1::MACHINE_STATE_PAUSED);
  EXPECT_NE(GetMachine("laser-1").state(), v1::MACHINE_STATE_RUNNING);
  EXPECT_TRUE(Audited("interlock.door machine/laser-1", "action: abort"));
  Control("laser", "door closed");
  ExpectNothingMoreAccepted("laser");
  EXPECT_EQ(SimState("laser")["laser_on"], "0");
}

TEST_F(SequenceE2E, TheDoorActionEstopFaultsTheLaser) {
  laser_door_action_ = "ESTOP";
  StartLab();
  const int64_t id = StartCutAs(pia_, 3000);
  Control("laser", "door open");
  ASSERT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(2)));
  ASSERT_TRUE(WaitForState("laser-1", v1::MACHINE_STATE_FAULT));
  EXPECT_THAT(GetMachine("laser-1").fault_reason(), HasSubstr("door is open"));
  EXPECT_NE(GetJob(id).state(), v1::JOB_STATE_PAUSED);
  EXPECT_NE(GetJob(id).state(), v1::JOB_STATE_RUNNING);
  EXPECT_TRUE(Audited("interlock.door machine/laser-1", "action: estop"));
  Control("laser", "door closed");
  ExpectNothingMoreAccepted("laser");
}

TEST_F(SequenceE2E, TheDoorActionHoldPausesTheCut) {
  StartLab();  // the default: hold
  const int64_t id = StartCutAs(pia_, 3000);
  Control("laser", "door open");
  ASSERT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(2)));
  ASSERT_TRUE(WaitForState("laser-1", v1::MACHINE_STATE_PAUSED));
  EXPECT_EQ(GetJob(id).state(), v1::JOB_STATE_PAUSED);
  EXPECT_THAT(AuditLines(), Not(Contains(HasSubstr("action: abort"))));
}

// Bug 8: a held laser is resumed at the machine by the person responsible
// for it, from the session that unlocked it — not by a trainer or staff
// elsewhere, not by the owner from another session — and resuming confirms
// presence.
TEST_F(SequenceE2E, OnlyTheUnlockingSessionResumesAHeldLaser) {
  StartLab(/*presence_seconds=*/2);
  const std::string password = CreateUser(ch_, admin_, "lea", {"participant"});
  const std::string lea = Login(ch_, "lea", password);
  const std::string lea_elsewhere = Login(ch_, "lea", password);
  Brief("laser", "lea");
  const int64_t id = StartCutAs(lea, 3000);
  ASSERT_TRUE(
      WaitForState("laser-1", v1::MACHINE_STATE_PAUSED, absl::Seconds(6)));
  // The daemon reports the hold once the firmware took it; the simulator
  // writes its state file on its own beat, so the beam-off shows there a
  // moment later.
  ASSERT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(2)));

  const grpc::Status trainer = Resume(tom_, id);
  EXPECT_EQ(trainer.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(trainer.error_message(), HasSubstr("at the machine by lea"));
  EXPECT_EQ(Resume(admin_, id).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status other_session = Resume(lea_elsewhere, id);
  EXPECT_EQ(other_session.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(other_session.error_message(),
              HasSubstr("from the session that unlocked it"));
  EXPECT_EQ(Resume(bob_, id).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // None of these moved anything.
  EXPECT_EQ(GetMachine("laser-1").state(), v1::MACHINE_STATE_PAUSED);
  EXPECT_EQ(SimState("laser")["laser_on"], "0");

  const grpc::Status owner = Resume(lea, id);
  ASSERT_TRUE(owner.ok()) << owner.error_message();
  EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "1"; },
                        absl::Seconds(2)));
  EXPECT_TRUE(Audited("job.resume machine/laser-1",
                      absl::StrCat("job ", id, "; presence confirmed")));
}

// Bug 17: after an emergency stop the printer halts (M112) and answers
// nothing. Staff acknowledge the fault; the printer must not look usable
// while it does not answer: it is offline saying why, and nothing starts.
// Once it is reset it answers the handshake and is locked again.
TEST_F(SequenceE2E, AHaltedPrinterStaysOfflineUntilItAnswersAgain) {
  printer_config_ = "  response_timeout_seconds: 1 probe_timeout_seconds: 1";
  StartLab();
  ASSERT_TRUE(WaitForState("printer-1", v1::MACHINE_STATE_LOCKED));
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  const v1::Job job = Upload(pia_, "printer-1", Print(3000));
  const v1::Job next = Upload(pia_, "printer-1", Print(5));
  ASSERT_TRUE(StartJob(pia_, job.id(), {}).ok());
  ASSERT_TRUE(
      WaitUntil([&] { return SimState("printer")["hotend_target"] == "205"; },
                absl::Seconds(5)));
  {
    v1::EmergencyStopRequest stop;
    stop.set_id("printer-1");
    stop.set_reason("smell of burning");
    v1::Machine m;
    auto ctx = Authed(pia_);
    ASSERT_TRUE(
        v1::Machines::NewStub(ch_)->EmergencyStop(ctx.get(), stop, &m).ok());
  }
  ASSERT_TRUE(WaitUntil([&] { return SimState("printer")["halted"] == "1"; },
                        absl::Seconds(2)));
  AcknowledgeFault("printer-1");

  // Until the firmware answers, the printer is never locked or unlocked.
  std::vector<v1::MachineState> seen;
  v1::Machine m;
  const bool offline = WaitUntil(
      [&] {
        m = GetMachine("printer-1");
        seen.push_back(m.state());
        return m.state() == v1::MACHINE_STATE_OFFLINE &&
               absl::StrContains(m.fault_reason(), "does not answer");
      },
      absl::Seconds(8));
  ASSERT_TRUE(offline) << m.DebugString();
  EXPECT_THAT(seen, Not(Contains(v1::MACHINE_STATE_LOCKED)));
  EXPECT_THAT(seen, Not(Contains(v1::MACHINE_STATE_UNLOCKED)));
  EXPECT_EQ(Unlock(pia_, "printer-1").error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(StartJob(pia_, next.id(), {}).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(Audited("machine.offline machine/printer-1", "does not answer"));
  EXPECT_EQ(SimState("printer")["halted"], "1");

  // Reset (power-cycled): the printer answers and can be unlocked again.
  Control("printer", "reset");
  ASSERT_TRUE(
      WaitForState("printer-1", v1::MACHINE_STATE_LOCKED, absl::Seconds(10)));
  EXPECT_EQ(SimState("printer")["halted"], "0");
  EXPECT_TRUE(Unlock(pia_, "printer-1").ok());
}

// Bug 20: the answers to pause, resume and cancel show the job as it is
// afterwards, not as it was before.
TEST_F(SequenceE2E, PauseResumeAndCancelAnswerWithTheNewState) {
  StartLab();
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  const v1::Job job = Upload(pia_, "printer-1", Print(3000));
  ASSERT_TRUE(StartJob(pia_, job.id(), {}).ok());
  ASSERT_TRUE(
      WaitUntil([&] { return SimState("printer")["hotend_target"] == "205"; },
                absl::Seconds(5)));
  v1::Job answer;
  ASSERT_TRUE(Pause(pia_, job.id(), &answer).ok());
  EXPECT_EQ(answer.state(), v1::JOB_STATE_PAUSED);
  EXPECT_EQ(GetMachine("printer-1").state(), v1::MACHINE_STATE_PAUSED);
  ExpectNothingMoreAccepted("printer");
  ASSERT_TRUE(Resume(pia_, job.id(), &answer).ok());
  EXPECT_EQ(answer.state(), v1::JOB_STATE_RUNNING);
  ASSERT_TRUE(Cancel(pia_, job.id(), &answer).ok());
  EXPECT_EQ(answer.state(), v1::JOB_STATE_CANCELLED);
  EXPECT_THAT(answer.end_reason(), HasSubstr("cancelled by pia"));
  EXPECT_EQ(GetJob(job.id()).state(), v1::JOB_STATE_CANCELLED);
  EXPECT_TRUE(
      WaitUntil([&] { return SimState("printer")["hotend_target"] == "0"; },
                absl::Seconds(3)));
}

// Bug 20 through the CLI, on the laser: the person logs in with the CLI and
// unlocks from that session, so that they may resume the held laser there.
TEST_F(SequenceE2E, TheCliPrintsThePausedResumedAndCancelledJob) {
  StartLab();
  const std::string password = CreateUser(ch_, admin_, "lea", {"participant"});
  Brief("laser", "lea");
  TempDir home;
  auto cli = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(),
                {BinPath("werkbank"), "--server", daemon_->address()});
    return RunCommand(args, input,
                      {{"HOME", home.path()}, {"XDG_CONFIG_HOME", ""}});
  };
  const RunResult login =
      cli({"login", "lea", "--password-stdin"}, password + "\n");
  ASSERT_EQ(login.exit_code, 0) << login.err;
  // The CLI's own session (the token file: server, then token).
  const std::string session =
      ReadFileOrEmpty(home.path() + "/.config/werkbank/token");
  const std::vector<std::string> parts = absl::StrSplit(session, '\n');
  ASSERT_GE(parts.size(), 2u) << session;
  const std::string lea = parts[1];
  const int64_t id = StartCutAs(lea, 3000);
  const std::string job = std::to_string(id);

  const RunResult paused = cli({"job", "pause", job});
  ASSERT_EQ(paused.exit_code, 0) << paused.err;
  EXPECT_THAT(paused.out, HasSubstr("on laser-1: paused"));
  EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(2)));
  const RunResult resumed = cli({"job", "resume", job});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.out, HasSubstr("on laser-1: running"));
  EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "1"; },
                        absl::Seconds(2)));
  const RunResult cancelled = cli({"job", "cancel", job, "--reason", "done"});
  ASSERT_EQ(cancelled.exit_code, 0) << cancelled.err;
  EXPECT_THAT(cancelled.out, HasSubstr("on laser-1: cancelled — done"));
  EXPECT_THAT(cancelled.out, Not(HasSubstr("running")));
  EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(2)));
}

}  // namespace
}  // namespace werkbank::testing
