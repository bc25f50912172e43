// SPDX-License-Identifier: EUPL-1.2
// The machine controller through sequences, against a scripted driver on the
// fake clock: the test decides what the firmware does (a job completes, is
// held, aborts with an alarm, the link dies) and checks what the controller
// does next — the second job after a cancel or a completion, a pause longer
// than the heater timeout and the resume, an alarm mid-job, a lost link
// during a pause, a stop while a dry run waits. The driver only records what
// it was asked; the real drivers have their own sequence tests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "base/mutex.h"
#include "drivers/serial/serial_port.h"
#include "fake_clock.h"
#include "services/machines/job_service.h"
#include "services/machines/machine_controller.h"
#include "services/store/sqlite_store.h"
#include "services/store/write_queue.h"
#include "temp_dir.h"

namespace werkbank::machines {
namespace {

using stream::Outcome;
using ::testing::ElementsAre;

// What the firmware does, set by the test, and what the driver was asked.
struct Script {
  Mutex mu;
  Outcome outcome ABSL_GUARDED_BY(mu) = Outcome::kIdle;
  std::string reason ABSL_GUARDED_BY(mu);
  bool check_waits ABSL_GUARDED_BY(mu) = false;
  std::vector<std::string> calls ABSL_GUARDED_BY(mu);
  std::vector<std::vector<std::string>> jobs ABSL_GUARDED_BY(mu);

  void Set(Outcome o, std::string why = "") {
    MutexLock lock(&mu);
    outcome = o;
    reason = std::move(why);
  }
  std::vector<std::string> Calls() {
    MutexLock lock(&mu);
    return calls;
  }
  std::vector<std::vector<std::string>> Jobs() {
    MutexLock lock(&mu);
    return jobs;
  }
};

class ScriptedDriver : public stream::HostProtocol {
 public:
  explicit ScriptedDriver(Script& s) : s_(s) {}
  stream::Capabilities capabilities() const override {
    return {.heaters = true, .dry_run = true};
  }
  using HostProtocol::StartJob;
  void StartJob(std::unique_ptr<stream::LineSource> lines,
                absl::Time) override {
    std::vector<std::string> all;
    std::string line;
    while (lines->Next(line)) all.push_back(line);
    MutexLock lock(&s_.mu);
    s_.jobs.push_back(all);
    s_.calls.push_back("start");
    s_.outcome = Outcome::kRunning;
  }
  void OnLine(absl::string_view, absl::Time) override {}
  std::string Poll(absl::Time) override { return ""; }
  absl::Time NextWake(absl::Time now) const override {
    return now + absl::Milliseconds(10);
  }
  std::string EmergencyStop(const std::string& why) override {
    Record("estop", Outcome::kAborted, why);
    return "!";
  }
  std::string Hold(const std::string& why, bool) override {
    Record("hold", Outcome::kHeld, why);
    return "";
  }
  void Resume() override { Record("resume", Outcome::kRunning, ""); }
  std::string Cancel(const std::string& why) override {
    Record("cancel", Outcome::kCancelled, why);
    return "";
  }
  std::string SafeState() override {
    MutexLock lock(&s_.mu);
    s_.calls.push_back("safe_state");
    return "";
  }
  void LinkLost(const std::string& why) override {
    Record("link_lost", Outcome::kFailed, why);
  }
  bool ready() const override { return true; }
  bool drained() const override { return true; }
  std::string firmware_state() const override { return "Idle"; }
  void LowerHeaters() override { Call("lower_heaters"); }
  void RestoreHeaters() override { Call("restore_heaters"); }
  absl::Status StartCheck(std::unique_ptr<stream::LineSource>,
                          absl::Time) override {
    MutexLock lock(&s_.mu);
    s_.calls.push_back("check");
    s_.outcome = Outcome::kRunning;
    return absl::OkStatus();
  }
  Outcome outcome() const override {
    MutexLock lock(&s_.mu);
    return s_.outcome;
  }
  const std::string& reason() const override {
    MutexLock lock(&s_.mu);
    reason_ = s_.reason;
    return reason_;
  }
  int64_t lines_acknowledged() const override { return 0; }
  int64_t lines_total() const override { return 0; }

 private:
  void Call(const char* what) {
    MutexLock lock(&s_.mu);
    s_.calls.push_back(what);
  }
  void Record(const char* what, Outcome o, const std::string& why) {
    MutexLock lock(&s_.mu);
    s_.calls.push_back(what);
    if (s_.outcome != Outcome::kAborted && s_.outcome != Outcome::kFailed) {
      s_.outcome = o;
      s_.reason = why;
    }
  }
  Script& s_;
  mutable std::string reason_;
};

// A port that takes every byte and never answers: the driver is scripted.
class QuietPort : public serial::SerialPort {
 public:
  absl::Status Write(absl::string_view, absl::Duration) override {
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> Read(size_t, absl::Duration timeout) override {
    absl::SleepFor(std::min(timeout, absl::Milliseconds(5)));
    return std::string();
  }
};

class MachineSequenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::SqliteStore::Open(dir_.File("w.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    records_ = std::make_unique<store::WriteQueue>(
        *store_, store::WriteQueue::Options());
    config_.set_id("printer-1");
    config_.set_protocol("marlin");
    config_.set_kind("printer");
    jobs_.set_paused_heaters_off_minutes(15);
    controller_ = std::make_unique<MachineController>(
        config_, jobs_,
        [this]() -> absl::StatusOr<std::unique_ptr<stream::Streamer>> {
          return std::make_unique<stream::Streamer>(
              std::make_unique<QuietPort>(),
              std::make_unique<ScriptedDriver>(script_));
        },
        *records_, clock_, &JobService::RecordOf);
    controller_->Start(std::nullopt);
    ASSERT_TRUE(WaitState(State::kLocked));
    ASSERT_TRUE(controller_
                    ->Unlock(owner_, {owner_.user_id,
                                      owner_.login,
                                      owner_.token_hash,
                                      0,
                                      false,
                                      false,
                                      {},
                                      clock_.Now() + absl::Hours(2)})
                    .ok());
  }

  // Every change of state a sequence makes must be one the state table
  // (docs/design.md) knows: the controller never refuses a change, it marks
  // an unknown one in the audit log, and this reads the mark.
  void TearDown() override {
    controller_.reset();
    records_.reset();  // writes what is still queued
    ASSERT_TRUE(store_
                    ->Read([](store::Transaction& tx) -> absl::Status {
                      auto all = tx.ListAudit(0, 100000, "");
                      if (!all.ok()) return all.status();
                      int changes = 0;
                      for (const auto& e : *all) {
                        if (e.action == "machine.state") ++changes;
                        EXPECT_THAT(e.detail,
                                    ::testing::Not(::testing::HasSubstr(
                                        "(not in the state table)")))
                            << e.action;
                      }
                      EXPECT_GT(changes, 0) << "no change of state recorded";
                      return absl::OkStatus();
                    })
                    .ok());
  }

  // The supervisor ticks on its own; this waits for it to see what changed.
  bool WaitState(State s) {
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (controller_->Snapshot().state != s) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return true;
  }

  absl::Status Start(int64_t id, std::vector<std::string> lines) {
    JobStart job;
    job.job_id = id;
    job.owner_id = owner_.user_id;
    job.owner_login = owner_.login;
    job.lines = stream::VectorSource(std::move(lines));
    return controller_->StartJob(owner_, std::move(job));
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{absl::FromUnixSeconds(1800000000)};
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<store::WriteQueue> records_;
  v1::MachineConfig config_;
  v1::JobsConfig jobs_;
  Script script_;
  std::unique_ptr<MachineController> controller_;
  access::Actor owner_{5, "pia", store::kParticipant, "pia-session"};
  access::Actor staff_{1, "staff", store::kStaff, "staff-session"};
};

TEST_F(MachineSequenceTest, StartCancelStartGivesTheSecondJobOnlyItsOwnLines) {
  ASSERT_TRUE(Start(1, {"G1 X1", "G1 X2"}).ok());
  ASSERT_TRUE(WaitState(State::kRunning));
  ASSERT_TRUE(controller_->Cancel(owner_, 1, "").ok());
  ASSERT_TRUE(WaitState(State::kUnlocked));
  ASSERT_TRUE(Start(2, {"G1 Y1"}).ok());
  EXPECT_THAT(script_.Jobs(),
              ElementsAre(ElementsAre("G1 X1", "G1 X2"), ElementsAre("G1 Y1")));
  EXPECT_THAT(script_.Calls(), ElementsAre("start", "cancel", "start"));
}

TEST_F(MachineSequenceTest, ACompletedJobLeavesTheMachineReadyForTheNext) {
  ASSERT_TRUE(Start(1, {"G1 X1"}).ok());
  script_.Set(Outcome::kCompleted);
  ASSERT_TRUE(WaitState(State::kUnlocked));
  EXPECT_EQ(controller_->Snapshot().last_job_end->state,
            store::JobState::kCompleted);
  ASSERT_TRUE(Start(2, {"G1 Y1"}).ok());
  EXPECT_TRUE(WaitState(State::kRunning));
}

TEST_F(MachineSequenceTest, APausePastTheHeaterTimeoutCoolsAndResumeReheats) {
  ASSERT_TRUE(Start(1, {"M104 S210", "G1 X1"}).ok());
  ASSERT_TRUE(controller_->Pause(owner_, 1).ok());
  ASSERT_TRUE(WaitState(State::kPaused));
  clock_.Advance(absl::Minutes(14));
  absl::SleepFor(absl::Milliseconds(150));
  EXPECT_THAT(script_.Calls(), ElementsAre("start", "hold"));
  clock_.Advance(absl::Minutes(2));
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (script_.Calls().size() < 3 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_THAT(script_.Calls(), ElementsAre("start", "hold", "lower_heaters"));
  ASSERT_TRUE(controller_->Resume(owner_, 1).ok());
  EXPECT_THAT(script_.Calls(), ElementsAre("start", "hold", "lower_heaters",
                                           "restore_heaters", "resume"));
  EXPECT_TRUE(WaitState(State::kRunning));
}

TEST_F(MachineSequenceTest, AnAlarmMidJobFaultsTheMachineAndEndsTheUnlock) {
  ASSERT_TRUE(Start(1, {"G1 X1"}).ok());
  script_.Set(Outcome::kAborted, "ALARM:1 (hard limit)");
  ASSERT_TRUE(WaitState(State::kFault));
  const MachineSnapshot s = controller_->Snapshot();
  EXPECT_EQ(s.fault_reason, "ALARM:1 (hard limit)");
  EXPECT_FALSE(s.unlock.has_value());
  EXPECT_EQ(s.last_job_end->state, store::JobState::kFailed);
  EXPECT_FALSE(Start(2, {"G1 Y1"}).ok());
}

TEST_F(MachineSequenceTest, ALinkLostDuringAPauseIsAFault) {
  ASSERT_TRUE(Start(1, {"G1 X1"}).ok());
  ASSERT_TRUE(controller_->Pause(owner_, 1).ok());
  ASSERT_TRUE(WaitState(State::kPaused));
  script_.Set(Outcome::kFailed, "serial link lost: the device vanished");
  ASSERT_TRUE(WaitState(State::kFault));
  EXPECT_EQ(controller_->Snapshot().last_job_end->state,
            store::JobState::kFailed);
  EXPECT_FALSE(controller_->Resume(owner_, 1).ok());
}

TEST_F(MachineSequenceTest, AStopWhileADryRunWaitsGoesOutAndEndsTheCheck) {
  ASSERT_TRUE(controller_->Lock(owner_, "done").ok());
  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> dry;
  std::thread check(
      [&] { dry = controller_->DryRun({"G1 X1"}, absl::Seconds(10)); });
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (script_.Calls().empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(2));
  }
  ASSERT_TRUE(controller_->EmergencyStop(staff_, "smoke").ok());
  check.join();
  EXPECT_THAT(script_.Calls(), ElementsAre("check", "estop"));
  EXPECT_FALSE(dry.ok());
  EXPECT_EQ(controller_->Snapshot().state, State::kFault);
}

TEST_F(MachineSequenceTest, TheDaemonsStopEndsARunningJobInTheSafeState) {
  ASSERT_TRUE(Start(1, {"G1 X1"}).ok());
  controller_->SafeStop("the daemon is stopping");
  EXPECT_THAT(script_.Calls(), ElementsAre("start", "safe_state"));
  EXPECT_EQ(controller_->Snapshot().last_job_end->state,
            store::JobState::kInterrupted);
}

TEST_F(MachineSequenceTest, AWithdrawnReservationLetsAPrintFinishThenLocks) {
  ASSERT_TRUE(Start(1, {"G1 X1"}).ok());
  controller_->Withdraw([](const UnlockGrant&) { return true; },
                        "reservation 3 was cancelled");
  EXPECT_EQ(controller_->Snapshot().state, State::kRunning);
  EXPECT_FALSE(Start(2, {"G1 Y1"}).ok());
  script_.Set(Outcome::kCompleted);
  EXPECT_TRUE(WaitState(State::kLocked));
  EXPECT_THAT(script_.Calls(), ElementsAre("start"));
}

}  // namespace
}  // namespace werkbank::machines
