// SPDX-License-Identifier: EUPL-1.2
// One machine's controller with its real parts around it: the serial driver
// and the GRBL host against the simulated laser on a pseudo-terminal, a real
// SQLite file, the write queue. What a person sees: the laser stops at once
// even while the database hangs, requests from many threads at once leave
// one consistent story, and everything ends up recorded in order. Runs under
// ThreadSanitizer too (the supervisor, the serial I/O thread, the queue's
// writer and the request threads all meet here).
#include "services/machines/machine_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "drivers/grbl/grbl_host.h"
#include "drivers/serial/serial_port.h"
#include "drivers/sim/grbl_sim.h"
#include "fake_clock.h"
#include "services/audit/audit_log.h"
#include "services/machines/job_service.h"
#include "services/store/sqlite_store.h"
#include "services/store/write_queue.h"
#include "temp_dir.h"
#include "troubled_store.h"

namespace werkbank::machines {
namespace {

using ::testing::Contains;

class MachineControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::GrblSimOptions laser;
    laser.block_time = absl::Milliseconds(2);
    sim_ = sim::GrblSim::Create(laser);
    ASSERT_TRUE(sim_);
    auto store = store::SqliteStore::Open(dir_.File("w.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    real_ = std::move(*store);
    troubled_ = std::make_unique<testing::TroubledStore>(*real_);
    store::WriteQueue::Options options;
    options.first_retry = absl::Milliseconds(1);
    records_ = std::make_unique<store::WriteQueue>(*troubled_, options);
    config_.set_id("laser-1");
    config_.set_protocol("grbl");
    config_.set_port(sim_->device());
    controller_ = std::make_unique<MachineController>(
        config_, v1::JobsConfig(),
        [this]() -> absl::StatusOr<std::unique_ptr<stream::Streamer>> {
          auto port = serial::OpenSerialPort(sim_->device(), 115200);
          if (!port.ok()) return port.status();
          return std::make_unique<stream::Streamer>(
              std::move(*port), std::make_unique<grbl::GrblHost>());
        },
        *records_, clock_, &JobService::RecordOf);
    controller_->Start(std::nullopt);
    // Usable once the firmware answered the connect (and its safe state).
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (controller_->Snapshot().state != State::kLocked &&
           absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    ASSERT_EQ(controller_->Snapshot().state, State::kLocked);
  }

  void TearDown() override {
    // Never leave the queue's writer hanging.
    if (!troubled_->release_.HasBeenNotified()) troubled_->release_.Notify();
    controller_.reset();
    records_.reset();
  }

  // Staff unlock the laser and start a cut; returns once the laser fires.
  void StartCut(int moves) {
    ASSERT_TRUE(controller_
                    ->Unlock(staff_, {staff_.user_id,
                                      staff_.login,
                                      "",
                                      0,
                                      false,
                                      false,
                                      {},
                                      clock_.Now() + absl::Hours(1)})
                    .ok());
    JobStart job;
    job.job_id = 7;
    job.owner_id = staff_.user_id;
    job.owner_login = staff_.login;
    std::vector<std::string> lines = {"G21 G90", "M4 S600"};
    for (int i = 0; i < moves; ++i)
      lines.push_back(absl::StrCat("G1 X", i % 200, " Y", i / 200, " F3000"));
    lines.push_back("M5");
    job.lines = stream::VectorSource(std::move(lines));
    ASSERT_TRUE(controller_->StartJob(staff_, std::move(job)).ok());
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (!sim_->laser_on() && absl::Now() < deadline)
      absl::SleepFor(absl::Milliseconds(2));
    ASSERT_TRUE(sim_->laser_on()) << "the cut did not start";
  }

  std::vector<std::string> AuditActions() {
    std::vector<std::string> out;
    EXPECT_TRUE(real_
                    ->Read([&](store::Transaction& tx) -> absl::Status {
                      auto all = tx.ListAudit(0, 10000, "");
                      if (!all.ok()) return all.status();
                      for (const auto& e : *all) out.push_back(e.action);
                      auto verified = audit::Verify(tx);
                      if (!verified.ok()) return verified.status();
                      EXPECT_TRUE(verified->ok) << verified->problem;
                      return absl::OkStatus();
                    })
                    .ok());
    return out;
  }

  // Waits until every record queued so far is written.
  void Drain() {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (records_->pending() > 0 && absl::Now() < deadline)
      absl::SleepFor(absl::Milliseconds(5));
    ASSERT_EQ(records_->pending(), 0u);
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{absl::FromUnixSeconds(1800000000)};
  std::unique_ptr<sim::GrblSim> sim_;
  std::unique_ptr<store::SqliteStore> real_;
  std::unique_ptr<testing::TroubledStore> troubled_;
  std::unique_ptr<store::WriteQueue> records_;
  v1::MachineConfig config_;
  std::unique_ptr<MachineController> controller_;
  access::Actor staff_{1, "staff", store::kStaff, "token"};
};

TEST_F(MachineControllerTest, TheLaserStopsAtOnceWhileTheDatabaseHangs) {
  StartCut(20000);
  troubled_->hang_ = true;  // the next write hangs until released
  // Five seconds on, the supervisor records the job's progress: that write
  // hangs in the database.
  clock_.Advance(absl::Seconds(6));
  troubled_->inside_.WaitForNotification();

  std::atomic<bool> answered{false};
  std::thread stop([&] {
    EXPECT_TRUE(controller_->EmergencyStop(staff_, "smoke").ok());
    answered = true;
  });
  // The laser goes off while the database still hangs.
  const absl::Time deadline = absl::Now() + absl::Seconds(2);
  while (sim_->laser_on() && absl::Now() < deadline)
    absl::SleepFor(absl::Milliseconds(1));
  EXPECT_FALSE(sim_->laser_on()) << "the stop waited for the database";
  EXPECT_EQ(controller_->Snapshot().state, State::kFault);
  stop.join();  // answered after at most its 2 s grace, hang or not
  EXPECT_TRUE(answered);
  EXPECT_THAT(AuditActions(),
              ::testing::Not(Contains("machine.emergency_stop")));

  troubled_->release_.Notify();
  Drain();
  const auto actions = AuditActions();
  EXPECT_THAT(actions, Contains("job.start"));
  EXPECT_THAT(actions, Contains("machine.emergency_stop"));
  EXPECT_LT(
      std::find(actions.begin(), actions.end(), "job.start"),
      std::find(actions.begin(), actions.end(), "machine.emergency_stop"));
}

TEST_F(MachineControllerTest, RequestsFromManyThreadsLeaveOneConsistentStory) {
  StartCut(20000);
  std::atomic<bool> done{false};
  std::vector<std::thread> people;
  people.emplace_back([&] {  // someone watching
    while (!done) {
      const MachineSnapshot s = controller_->Snapshot();
      EXPECT_TRUE(s.state == State::kRunning || s.state == State::kPaused ||
                  s.state == State::kFault);
      if (s.job) {
        EXPECT_LE(s.job->lines_done, s.job->lines_total);
      }
    }
  });
  people.emplace_back([&] {  // the owner pausing and resuming
    while (!done) {
      controller_->Pause(staff_, 7).IgnoreError();
      absl::SleepFor(absl::Milliseconds(3));
      controller_->Resume(staff_, 7).IgnoreError();
      absl::SleepFor(absl::Milliseconds(3));
    }
  });
  people.emplace_back([&] {  // presence confirmations
    while (!done) {
      controller_->ConfirmPresence(staff_).IgnoreError();
      absl::SleepFor(absl::Milliseconds(1));
    }
  });
  absl::SleepFor(absl::Milliseconds(400));
  ASSERT_TRUE(controller_->EmergencyStop(staff_, "enough").ok());
  const size_t accepted_at_stop = sim_->Accepted().size();
  absl::SleepFor(absl::Milliseconds(300));
  done = true;
  for (auto& t : people) t.join();

  // Once stopped, stopped: faulted, no job, laser off, no further line.
  const MachineSnapshot s = controller_->Snapshot();
  EXPECT_EQ(s.state, State::kFault);
  EXPECT_FALSE(s.job.has_value());
  EXPECT_FALSE(sim_->laser_on());
  EXPECT_EQ(sim_->Accepted().size(), accepted_at_stop);
  EXPECT_FALSE(controller_->Resume(staff_, 7).ok());
  Drain();
  const auto actions = AuditActions();
  EXPECT_THAT(actions, Contains("machine.emergency_stop"));
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "job.start"), 1);
}

}  // namespace
}  // namespace werkbank::machines
