// SqliteStore: opening, migrating and running transactions. The per-table
// queries are in sqlite_transaction.cc.
#include "sqlite_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "absl/strings/str_cat.h"
#include "schema.h"
#include "sqlite_transaction.h"

namespace werkbank::store {

SqliteStore::SqliteStore(std::unique_ptr<SQLite::Database> db)
    : db_(std::move(db)) {}

SqliteStore::~SqliteStore() = default;

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& path) {
  std::unique_ptr<SqliteStore> store;
  try {
    auto db = std::make_unique<SQLite::Database>(
        path,
        SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
    db->exec("PRAGMA busy_timeout = 5000");
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = FULL");
    db->exec("PRAGMA foreign_keys = ON");
    store.reset(new SqliteStore(std::move(db)));
  } catch (const SQLite::Exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot open database ", path, ": ", e.what()));
  }
  if (absl::Status s = store->Migrate(); !s.ok()) return s;
  if (path != ":memory:") {
    try {
      for (int i = 0; i < 4; ++i) {
        auto reader = std::make_unique<Reader>();
        absl::MutexLock lock(&reader->mu);
        reader->db = std::make_unique<SQLite::Database>(
            path, SQLite::OPEN_READONLY | SQLite::OPEN_FULLMUTEX);
        reader->db->exec("PRAGMA busy_timeout = 5000");
        store->readers_.push_back(std::move(reader));
      }
    } catch (const SQLite::Exception& e) {
      return absl::UnavailableError(
          absl::StrCat("cannot open database ", path, ": ", e.what()));
    }
  }
  return store;
}

absl::Status SqliteStore::Migrate() {
  absl::MutexLock lock(&mu_);
  try {
    const int known = static_cast<int>(Migrations().size());
    int version = db_->execAndGet("PRAGMA user_version").getInt();
    if (version > known) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database has schema version ", version,
          ", newer than this werkbankd understands (", known,
          "); install the newer werkbank again or restore a backup"));
    }
    while (version < known) {
      db_->exec("BEGIN IMMEDIATE");
      try {
        db_->exec(Migrations()[version]);
        db_->exec(absl::StrCat("PRAGMA user_version = ", version + 1));
        db_->exec("COMMIT");
      } catch (...) {
        db_->tryExec("ROLLBACK");
        throw;
      }
      ++version;
    }
  } catch (const SQLite::Exception& e) {
    return absl::InternalError(
        absl::StrCat("database migration failed: ", e.what()));
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::Run(
    SQLite::Database& db, bool writable,
    const std::function<absl::Status(Transaction&)>& body) {
  try {
    db.exec(writable ? "BEGIN IMMEDIATE" : "BEGIN");
  } catch (const SQLite::Exception& e) {
    return absl::UnavailableError(
        absl::StrCat("database is busy or unavailable: ", e.what()));
  }
  SqliteTransaction tx(db, writable);
  absl::Status status;
  try {
    status = body(tx);
  } catch (const SQLite::Exception& e) {
    status = absl::InternalError(absl::StrCat("database error: ", e.what()));
  }
  if (!status.ok() || !writable) {
    db.tryExec("ROLLBACK");
    return status;
  }
  try {
    db.exec("COMMIT");
  } catch (const SQLite::Exception& e) {
    db.tryExec("ROLLBACK");
    return absl::UnavailableError(
        absl::StrCat("database commit failed: ", e.what()));
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::Write(
    const std::function<absl::Status(Transaction&)>& body) {
  absl::MutexLock lock(&mu_);
  return Run(*db_, /*writable=*/true, body);
}

absl::Status SqliteStore::Read(
    const std::function<absl::Status(Transaction&)>& body) {
  if (readers_.empty()) {
    absl::MutexLock lock(&mu_);
    return Run(*db_, /*writable=*/false, body);
  }
  Reader& reader = *readers_[next_reader_.fetch_add(1) % readers_.size()];
  absl::MutexLock lock(&reader.mu);
  return Run(*reader.db, /*writable=*/false, body);
}

absl::Status SqliteStore::Backup(const std::string& dest_path) {
  absl::MutexLock lock(&mu_);
  try {
    db_->backup(dest_path.c_str(), SQLite::Database::Save);
  } catch (const SQLite::Exception& e) {
    return absl::InternalError(
        absl::StrCat("backup to ", dest_path, " failed: ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace werkbank::store
