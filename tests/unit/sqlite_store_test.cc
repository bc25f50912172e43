// SPDX-License-Identifier: EUPL-1.2
// The SQLite store: schema versioning, durability settings, and what it
// refuses.
#include "services/store/sqlite_store.h"

#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "services/store/schema.h"
#include "temp_dir.h"
#include "werkbank/v1/jobs.pb.h"

namespace werkbank::store {
namespace {

using ::testing::HasSubstr;

TEST(SqliteStore, MigratesANewDatabaseToTheCurrentVersion) {
  testing::TempDir dir;
  ASSERT_TRUE(SqliteStore::Open(dir.File("w.db")).ok());
  SQLite::Database raw(dir.File("w.db"));
  EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(),
            SqliteStore::kSchemaVersion);
  EXPECT_EQ(raw.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST(SqliteStore, RefusesADatabaseFromANewerWerkbank) {
  testing::TempDir dir;
  {
    SQLite::Database raw(dir.File("w.db"),
                         SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("PRAGMA user_version = 99");
  }
  auto store = SqliteStore::Open(dir.File("w.db"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr("schema version 99"));
}

TEST(SqliteStore, AFailedWriteCommitsNothing) {
  testing::TempDir dir;
  auto store = SqliteStore::Open(dir.File("w.db"));
  ASSERT_TRUE(store.ok());
  UserRecord u;
  u.login = "anna";
  u.display_name = "Anna";
  u.roles = kParticipant;
  u.password_hash = "x";
  auto s = (*store)->Write([&](Transaction& tx) -> absl::Status {
    if (auto id = tx.InsertUser(u); !id.ok()) return id.status();
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  ASSERT_TRUE((*store)
                  ->Read([&](Transaction& tx) -> absl::Status {
                    EXPECT_EQ(*tx.CountUsers(), 0);
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST(SqliteStore, ReadTransactionsCannotWrite) {
  testing::TempDir dir;
  auto store = SqliteStore::Open(dir.File("w.db"));
  ASSERT_TRUE(store.ok());
  auto s = (*store)->Read([&](Transaction& tx) -> absl::Status {
    return tx.InsertUser(UserRecord{}).status();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
}

TEST(SqliteStore, DuplicateLoginIsAlreadyExists) {
  testing::TempDir dir;
  auto store = SqliteStore::Open(dir.File("w.db"));
  ASSERT_TRUE(store.ok());
  UserRecord u;
  u.login = "anna";
  u.roles = kParticipant;
  ASSERT_TRUE(
      (*store)
          ->Write([&](Transaction& tx) { return tx.InsertUser(u).status(); })
          .ok());
  auto s = (*store)->Write(
      [&](Transaction& tx) { return tx.InsertUser(u).status(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
}

TEST(SqliteStore, BackupIsAConsistentCopy) {
  testing::TempDir dir;
  auto store = SqliteStore::Open(dir.File("w.db"));
  ASSERT_TRUE(store.ok());
  UserRecord u;
  u.login = "anna";
  u.roles = kParticipant;
  ASSERT_TRUE(
      (*store)
          ->Write([&](Transaction& tx) { return tx.InsertUser(u).status(); })
          .ok());
  ASSERT_TRUE((*store)->Backup(dir.File("copy.db")).ok());
  auto copy = SqliteStore::Open(dir.File("copy.db"));
  ASSERT_TRUE(copy.ok());
  ASSERT_TRUE((*copy)
                  ->Read([&](Transaction& tx) -> absl::Status {
                    auto found = tx.FindUserByLogin("anna");
                    EXPECT_TRUE(found.ok() && found->has_value());
                    return absl::OkStatus();
                  })
                  .ok());
}

}  // namespace
}  // namespace werkbank::store

namespace werkbank::store {
namespace {

UserRecord User(const std::string& login) {
  UserRecord u;
  u.login = login;
  u.display_name = login;
  u.roles = kParticipant;
  u.password_hash = "x";
  return u;
}

// Writes that arrive while a commit is under way are committed together in
// the next one; a write that fails in that group undoes only its own changes
// and the others are stored.
TEST(SqliteStore, WritesArrivingDuringACommitShareTheNextOne) {
  testing::TempDir dir;
  auto opened = SqliteStore::Open(dir.File("w.db"));
  ASSERT_TRUE(opened.ok());
  SqliteStore& store = **opened;
  absl::Notification first_running, release_first;
  std::thread first([&] {
    EXPECT_TRUE(store
                    .Write([&](Transaction& tx) -> absl::Status {
                      if (auto id = tx.InsertUser(User("u0")); !id.ok())
                        return id.status();
                      first_running.Notify();
                      release_first.WaitForNotification();
                      return absl::OkStatus();
                    })
                    .ok());
  });
  first_running.WaitForNotification();
  constexpr int kQueued = 8;
  std::vector<absl::Status> results(kQueued);
  std::vector<std::thread> queued;
  for (int i = 1; i <= kQueued; ++i) {
    queued.emplace_back([&, i] {
      results[i - 1] = store.Write([&](Transaction& tx) -> absl::Status {
        auto id = tx.InsertUser(User(absl::StrCat("u", i)));
        if (!id.ok()) return id.status();
        if (i == 3) return absl::FailedPreconditionError("u3 is refused");
        return absl::OkStatus();
      });
    });
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (store.queued_writes() < kQueued && absl::Now() < deadline)
    absl::SleepFor(absl::Milliseconds(1));
  ASSERT_EQ(store.queued_writes(), kQueued);
  release_first.Notify();
  first.join();
  for (auto& t : queued) t.join();

  EXPECT_EQ(store.commits(), 2);  // the first write, then the other eight
  for (int i = 1; i <= kQueued; ++i) {
    EXPECT_EQ(results[i - 1].ok(), i != 3)
        << "u" << i << ": " << results[i - 1];
  }
  std::vector<std::string> logins;
  ASSERT_TRUE(store
                  .Read([&](Transaction& tx) -> absl::Status {
                    auto users = tx.ListUsers();
                    if (!users.ok()) return users.status();
                    for (const auto& u : *users) logins.push_back(u.login);
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_THAT(logins, ::testing::UnorderedElementsAre("u0", "u1", "u2", "u4",
                                                      "u5", "u6", "u7", "u8"));
}

// A database written by the previous schema keeps its reservations, and the
// new indexes answer the booking questions about them.
TEST(SqliteStore, ReservationsSurviveTheMigrationToTheEndTimeIndexes) {
  testing::TempDir dir;
  {
    SQLite::Database raw(dir.File("w.db"),
                         SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec(Migrations()[0].sql);
    raw.exec(Migrations()[1].sql);
    raw.exec("PRAGMA user_version = 2");
    raw.exec(
        "INSERT INTO users (id, login, display_name, roles, user_group, "
        "password_hash, created_at, locked_until) VALUES "
        "(1, 'anna', 'Anna', 1, 1, 'x', 0, 0)");
    // Booked from 1,000 s to 2,000 s after the epoch, and a cancelled one.
    raw.exec(
        "INSERT INTO reservations (machine_id, owner_id, kind, state, "
        "start_at, end_at, note, created_at) VALUES "
        "('p1', 1, 1, 1, 1000000000, 2000000000, '', 0), "
        "('p1', 1, 1, 3, 2000000000, 3000000000, '', 0)");
  }
  auto store = SqliteStore::Open(dir.File("w.db"));
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(
      (*store)
          ->Read([&](Transaction& tx) -> absl::Status {
            const absl::Time t0 = absl::FromUnixSeconds(0);
            auto clash = tx.FindOverlapping("p1", t0 + absl::Seconds(1500),
                                            t0 + absl::Seconds(2500));
            EXPECT_EQ(clash->size(), 1u);
            auto free = tx.FindOverlapping("p1", t0 + absl::Seconds(2000),
                                           t0 + absl::Seconds(3000));
            EXPECT_TRUE(free->empty());  // only a cancelled one there
            EXPECT_TRUE(tx.FindClash("p1", t0 + absl::Seconds(1500),
                                     t0 + absl::Seconds(2500))
                            ->has_value());
            EXPECT_FALSE(tx.FindClash("p1", t0 + absl::Seconds(2000),
                                      t0 + absl::Seconds(3000))
                             ->has_value());
            EXPECT_EQ(*tx.CountActiveOwned(1, ReservationKind::kPersonal, t0,
                                           {"p1", "p2"}),
                      1);
            return absl::OkStatus();
          })
          .ok());
}

// A job stored before schema 5 with a raw byte in its preflight report (and
// its name) comes out of the migration escaped, and its report decodes.
TEST(SqliteStore, TheMigrationToVersion5EscapesInvalidUtf8) {
  testing::TempDir dir;
  v1::PreflightReport report;
  report.add_violations()->set_message("unexpected character '\xe9'");
  const std::string encoded = report.SerializePartialAsString();
  {
    SQLite::Database raw(dir.File("w.db"),
                         SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (int i = 0; i < 4; ++i) raw.exec(Migrations()[i].sql);
    raw.exec("PRAGMA user_version = 4");
    raw.exec(
        "INSERT INTO users (id, login, display_name, roles, user_group, "
        "password_hash, created_at, locked_until) VALUES "
        "(1, 'anna', 'Anna', 1, 1, 'x', 0, 0)");
    SQLite::Statement insert(
        raw,
        "INSERT INTO jobs (machine_id, owner_id, file_name, sha256, "
        "size_bytes, state, preflight, line_count, estimated_seconds, "
        "created_at) VALUES ('laser-1', 1, ?, 'abc', 9, 9, ?, 1, 0, 0)");
    insert.bind(1, std::string("caf\xe9.gcode"));
    insert.bind(2, encoded.data(), static_cast<int>(encoded.size()));
    insert.exec();
  }
  auto store = SqliteStore::Open(dir.File("w.db"));
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)
                  ->Read([&](Transaction& tx) -> absl::Status {
                    auto job = tx.FindJob(1);
                    EXPECT_TRUE(job.ok() && job->has_value());
                    EXPECT_EQ((*job)->file_name, "caf\\xE9.gcode");
                    v1::PreflightReport stored;
                    EXPECT_TRUE(stored.ParseFromString((*job)->preflight));
                    EXPECT_EQ(stored.violations(0).message(),
                              "unexpected character '\\xE9'");
                    return absl::OkStatus();
                  })
                  .ok());
}

// The booking decision's overlap check looks only at the last active
// reservation to start before the new one ends. On a calendar built the way
// werkbank builds it (active reservations never overlap; cancelled and
// finished ones may lie anywhere), it must answer exactly as a full search.
TEST(SqliteStore, TheClashCheckAgreesWithAFullSearch) {
  testing::TempDir dir;
  auto store = SqliteStore::Open(dir.File("w.db"));
  ASSERT_TRUE(store.ok());
  const absl::Time t0 = absl::FromUnixSeconds(1800000000);
  std::mt19937 rng(42);
  auto random_span = [&](int longest) {
    const absl::Time start = t0 + absl::Minutes(rng() % 20000);
    return std::make_pair(start, start + absl::Minutes(1 + rng() % longest));
  };
  ASSERT_TRUE((*store)
                  ->Write([&](Transaction& tx) -> absl::Status {
                    UserRecord u;
                    u.login = "anna";
                    u.display_name = "Anna";
                    u.roles = kParticipant;
                    u.password_hash = "x";
                    auto owner = tx.InsertUser(u);
                    if (!owner.ok()) return owner.status();
                    for (int i = 0; i < 600; ++i) {
                      ReservationRecord r;
                      r.machine_id = i % 5 == 0 ? "p2" : "p1";
                      r.owner_id = *owner;
                      std::tie(r.start, r.end) = random_span(60);
                      const auto clashes =
                          tx.FindOverlapping(r.machine_id, r.start, r.end);
                      if (!clashes.ok()) return clashes.status();
                      // As werkbank books: active only where free; the
                      // others as history that may overlap anything.
                      static constexpr ReservationState kInactive[] = {
                          ReservationState::kCancelled,
                          ReservationState::kCompleted,
                          ReservationState::kNoShow};
                      r.state = !clashes->empty() ? kInactive[i % 3]
                                : i % 4 == 0      ? ReservationState::kCheckedIn
                                                  : ReservationState::kBooked;
                      if (auto id = tx.InsertReservation(r); !id.ok())
                        return id.status();
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  int clashes = 0;
  ASSERT_TRUE((*store)
                  ->Read([&](Transaction& tx) -> absl::Status {
                    for (int i = 0; i < 3000; ++i) {
                      const auto [start, end] = random_span(120);
                      const std::string machine = i % 2 ? "p1" : "p2";
                      auto all = tx.FindOverlapping(machine, start, end);
                      auto clash = tx.FindClash(machine, start, end);
                      if (!all.ok() || !clash.ok())
                        return absl::InternalError("query failed");
                      EXPECT_EQ(clash->has_value(), !all->empty())
                          << machine << " " << start << " - " << end;
                      if (clash->has_value()) {
                        ++clashes;
                        EXPECT_LT((*clash)->start, end);
                        EXPECT_GT((*clash)->end, start);
                      }
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_GT(clashes, 300);  // both answers were exercised
  EXPECT_LT(clashes, 2700);
}

}  // namespace
}  // namespace werkbank::store
