// SPDX-License-Identifier: EUPL-1.2
// The queue that records what the machines do: it never makes its caller
// wait for the database, writes in the order things were queued, retries a
// busy database without losing anything, and drops only a write that
// refuses by itself. The database is a real SQLite file; the "busy" and
// "stuck" databases wrap it (one rule each).
#include "services/store/write_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "services/audit/audit_log.h"
#include "services/store/sqlite_store.h"
#include "temp_dir.h"
#include "troubled_store.h"

namespace werkbank::store {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

class WriteQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open(dir_.File("w.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    real_ = std::move(*store);
    troubled_ = std::make_unique<werkbank::testing::TroubledStore>(*real_);
    options_.first_retry = absl::Milliseconds(1);
    options_.max_retry = absl::Milliseconds(5);
    options_.report = [this](const std::string& line) {
      reports_.push_back(line);
    };
  }

  static WriteBody Note(const std::string& detail) {
    return [detail](Transaction& tx) {
      return audit::Append(tx, {"system", "test.note", "test", detail},
                           absl::FromUnixSeconds(1800000000))
          .status();
    };
  }

  // The details of the stored notes, oldest first.
  std::vector<std::string> Stored() {
    std::vector<std::string> out;
    EXPECT_TRUE(real_
                    ->Read([&](Transaction& tx) -> absl::Status {
                      auto all = tx.ListAudit(0, 10000, "test");
                      if (!all.ok()) return all.status();
                      for (const auto& e : *all) out.push_back(e.detail);
                      return absl::OkStatus();
                    })
                    .ok());
    return out;
  }

  static std::vector<std::string> Numbered(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(absl::StrCat("note ", i));
    return out;
  }

  werkbank::testing::TempDir dir_;
  std::unique_ptr<SqliteStore> real_;
  std::unique_ptr<werkbank::testing::TroubledStore> troubled_;
  WriteQueue::Options options_;
  std::vector<std::string> reports_;  // written by the queue's thread only
};

TEST_F(WriteQueueTest, WritesEverythingInTheOrderItWasQueued) {
  WriteQueue queue(*real_, options_);
  WriteQueue::Ticket last = 0;
  for (const auto& note : Numbered(300)) last = queue.Enqueue(note, Note(note));
  ASSERT_TRUE(queue.WaitDurable(last, absl::Seconds(30)).ok());
  EXPECT_THAT(Stored(), ElementsAreArray(Numbered(300)));
  EXPECT_EQ(queue.pending(), 0u);
  EXPECT_EQ(queue.written(), 300);
  ASSERT_TRUE(real_
                  ->Read([](Transaction& tx) -> absl::Status {
                    auto v = audit::Verify(tx);
                    if (!v.ok()) return v.status();
                    return v->ok ? absl::OkStatus()
                                 : absl::DataLossError(v->problem);
                  })
                  .ok());
}

TEST_F(WriteQueueTest, QueueingNeverWaitsForAStuckDatabase) {
  troubled_->hang_ = true;
  WriteQueue queue(*troubled_, options_);
  queue.Enqueue("note 0", Note("note 0"));
  troubled_->inside_.WaitForNotification();  // the writer is stuck in Write
  WriteQueue::Ticket last = 0;
  for (int i = 1; i < 6; ++i) {
    last =
        queue.Enqueue(absl::StrCat("note ", i), Note(absl::StrCat("note ", i)));
  }
  // The caller is here, not waiting: everything is still queued.
  EXPECT_EQ(queue.pending(), 6u);
  EXPECT_EQ(queue.WaitDurable(last, absl::Milliseconds(20)).code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(Stored(), ::testing::IsEmpty());
  troubled_->release_.Notify();
  ASSERT_TRUE(queue.WaitDurable(last, absl::Seconds(30)).ok());
  EXPECT_THAT(Stored(), ElementsAreArray(Numbered(6)));
}

TEST_F(WriteQueueTest, ABusyDatabaseIsRetriedAndNothingIsLost) {
  troubled_->fail_next_ = 5;
  WriteQueue queue(*troubled_, options_);
  WriteQueue::Ticket last = 0;
  for (const auto& note : Numbered(20)) last = queue.Enqueue(note, Note(note));
  ASSERT_TRUE(queue.WaitDurable(last, absl::Seconds(30)).ok());
  EXPECT_THAT(Stored(), ElementsAreArray(Numbered(20)));
  EXPECT_GE(troubled_->attempts_, 6);
  ASSERT_GE(reports_.size(), 2u);
  EXPECT_THAT(reports_.front(), HasSubstr("wait for the database"));
  EXPECT_THAT(reports_.front(), HasSubstr("database is locked"));
  EXPECT_THAT(reports_.back(), HasSubstr("written again"));
}

TEST_F(WriteQueueTest, SaysItIsStalledWhileTheDatabaseFailsAndNotAfter) {
  troubled_->fail_next_ = 1 << 30;
  WriteQueue queue(*troubled_, options_);
  EXPECT_FALSE(queue.stalled());
  const WriteQueue::Ticket t = queue.Enqueue("note 0", Note("note 0"));
  for (int i = 0; i < 2000 && !queue.stalled(); ++i)
    absl::SleepFor(absl::Milliseconds(1));
  EXPECT_TRUE(queue.stalled());
  troubled_->fail_next_ = 0;
  ASSERT_TRUE(queue.WaitDurable(t, absl::Seconds(30)).ok());
  EXPECT_FALSE(queue.stalled());
}

TEST_F(WriteQueueTest, AWriteThatRefusesIsDroppedAloneAndNamed) {
  WriteQueue queue(*real_, options_);
  queue.Enqueue("note 0", Note("note 0"));
  const WriteQueue::Ticket refused =
      queue.Enqueue("the odd one", [](Transaction&) {
        return absl::FailedPreconditionError("not like this");
      });
  const WriteQueue::Ticket last = queue.Enqueue("note 1", Note("note 1"));
  EXPECT_EQ(queue.WaitDurable(refused, absl::Seconds(30)).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(queue.WaitDurable(last, absl::Seconds(30)).ok());
  EXPECT_THAT(Stored(), ElementsAreArray(Numbered(2)));
  ASSERT_EQ(reports_.size(), 1u);
  EXPECT_THAT(reports_[0], HasSubstr("the odd one"));
  EXPECT_THAT(reports_[0], HasSubstr("not like this"));
}

TEST_F(WriteQueueTest, ShuttingDownWritesWhatIsStillQueued) {
  {
    WriteQueue queue(*real_, options_);
    for (const auto& note : Numbered(50)) queue.Enqueue(note, Note(note));
  }
  EXPECT_THAT(Stored(), ElementsAreArray(Numbered(50)));
}

TEST_F(WriteQueueTest, ShuttingDownOnADeadDatabaseSaysWhatWasNotWritten) {
  troubled_->fail_next_ = 1 << 30;
  options_.drain = absl::Milliseconds(50);
  {
    WriteQueue queue(*troubled_, options_);
    for (const auto& note : Numbered(3)) queue.Enqueue(note, Note(note));
  }
  ASSERT_FALSE(reports_.empty());
  EXPECT_THAT(reports_.back(), HasSubstr("3 record(s) not written"));
}

}  // namespace
}  // namespace werkbank::store
