// The SQLite store: schema versioning, durability settings, and what it
// refuses.
#include "services/store/sqlite_store.h"

#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "temp_dir.h"

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
