// SPDX-License-Identifier: EUPL-1.2
// Invariant 2 with the database in the way: another program holds SQLite's
// write lock (a backup tool, a stuck sqlite3 shell) while a laser cuts. The
// machine's supervisor keeps following the job, staff can still see it and
// stop it at once, and everything that happened is recorded, in order, as
// soon as the database is free again.
#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>

#include <thread>

#include "absl/strings/match.h"
#include "machine_fixture.h"

namespace werkbank::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class BusyDatabaseE2E : public MachineE2E {
 protected:
  // GetMachine that gives up after `wait` instead of waiting for ever.
  grpc::Status GetMachineWithin(const std::string& id, absl::Duration wait,
                                v1::Machine* out) {
    v1::GetMachineRequest req;
    req.set_id(id);
    auto ctx = Authed(admin_);
    ctx->set_deadline(absl::ToChronoTime(absl::Now() + wait));
    return v1::Machines::NewStub(ch_)->GetMachine(ctx.get(), req, out);
  }

  grpc::Status EmergencyStop(const std::string& token, const std::string& id) {
    v1::EmergencyStopRequest req;
    req.set_id(id);
    req.set_reason("the database is locked and smoke rises");
    v1::Machine m;
    auto ctx = Authed(token);
    return v1::Machines::NewStub(ch_)->EmergencyStop(ctx.get(), req, &m);
  }
};

TEST_F(BusyDatabaseE2E, ALockedDatabaseDelaysNeitherTheMachineNorItsStop) {
  StartLab();
  // Pia also has the printer ready, to start a print later.
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  const v1::Job print = Upload(pia_, "printer-1", "M104 S200\nG28\nG1 X10\n");
  const int64_t id = StartLaserJob(20000);  // about a minute of cutting

  SQLite::Database other(dir_.File("state/werkbank.db"),
                         SQLite::OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");  // holds the write lock until COMMIT
  // The supervisor records the job's progress every 5 s: let it try while
  // the lock is held (SQLite makes a writer wait up to 5 s, then fail).
  absl::SleepFor(absl::Seconds(6));

  // Staff still see the machine at once ...
  v1::Machine seen;
  grpc::Status s = GetMachineWithin("laser-1", absl::Seconds(2), &seen);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(seen.state(), v1::MACHINE_STATE_RUNNING);

  // ... and stop it at once: the laser goes off well within SQLite's busy
  // timeout, whatever the RPC's answer is still doing.
  grpc::Status stopped;
  std::thread staff([&] { stopped = EmergencyStop(admin_, "laser-1"); });
  const bool off_in_time = WaitUntil(
      [&] { return SimState("laser")["laser_on"] == "0"; }, absl::Seconds(2));
  staff.join();
  EXPECT_TRUE(off_in_time) << "the stop waited for the database";
  EXPECT_TRUE(stopped.ok()) << stopped.error_message();
  ASSERT_TRUE(GetMachineWithin("laser-1", absl::Seconds(2), &seen).ok());
  EXPECT_EQ(seen.state(), v1::MACHINE_STATE_FAULT);
  EXPECT_EQ(GetJob(id).state(), v1::JOB_STATE_CANCELLED);  // from the machine

  // Nothing could be written meanwhile: the lock was real.
  EXPECT_THAT(AuditActions(),
              Not(Contains("machine.emergency_stop machine/laser-1")));
  // The daemon says so once SQLite gives up waiting (its busy timeout).
  EXPECT_TRUE(WaitUntil(
      [&] {
        return absl::StrContains(daemon_->log(),
                                 "records wait for the database");
      },
      absl::Seconds(10)))
      << daemon_->log();
  // Nothing new starts that could not be recorded.
  grpc::Status refused = StartJob(pia_, print.id(), {});
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(refused.error_message(),
              HasSubstr("the database does not take records"));
  EXPECT_EQ(SimState("printer")["hotend_target"], "0");

  other.exec("COMMIT");
  // Once it is free, everything is recorded, in the order it happened.
  ASSERT_TRUE(WaitUntil(
      [&] {
        const auto actions = AuditActions();
        return std::find(actions.begin(), actions.end(),
                         "job.cancelled job/" + std::to_string(id)) !=
               actions.end();
      },
      absl::Seconds(15)))
      << daemon_->log();
  const auto actions = AuditActions();
  const auto pos = [&](const std::string& action) {
    return std::find(actions.begin(), actions.end(), action) - actions.begin();
  };
  EXPECT_LT(pos("job.start machine/laser-1"),
            pos("machine.emergency_stop machine/laser-1"));
  EXPECT_LT(pos("machine.emergency_stop machine/laser-1"),
            pos("job.cancelled job/" + std::to_string(id)));
  EXPECT_EQ(GetJob(id).state(), v1::JOB_STATE_CANCELLED);
  v1::VerifyAuditChainResponse chain;
  auto vctx = Authed(admin_);
  ASSERT_TRUE(
      v1::Audit::NewStub(ch_)
          ->VerifyAuditChain(vctx.get(), v1::VerifyAuditChainRequest(), &chain)
          .ok());
  EXPECT_TRUE(chain.ok()) << chain.problem();
  EXPECT_THAT(daemon_->log(), HasSubstr("records are written again"));
  // Now the print starts.
  grpc::Status started = StartJob(pia_, print.id(), {});
  EXPECT_TRUE(started.ok()) << started.error_message();
}

}  // namespace
}  // namespace werkbank::testing
