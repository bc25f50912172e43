// SPDX-License-Identifier: EUPL-1.2
// SqliteStore: opening, migrating and running transactions. The per-table
// queries are in sqlite_transaction.cc.
#include "sqlite_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "base/mutex.h"
#include "schema.h"
#include "sqlite_transaction.h"

namespace werkbank::store {

SqliteStore::SqliteStore(std::unique_ptr<SQLite::Database> db)
    : db_(std::move(db)), statements_(std::make_unique<StatementCache>(*db_)) {}

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
    // What is deleted or overwritten is zeroed on its page, not left behind
    // for anyone who reads the file (privacy by default).
    db->exec("PRAGMA secure_delete = ON");
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
        MutexLock lock(&reader->mu);
        reader->db = std::make_unique<SQLite::Database>(
            path, SQLite::OPEN_READONLY | SQLite::OPEN_FULLMUTEX);
        reader->db->exec("PRAGMA busy_timeout = 5000");
        reader->statements = std::make_unique<StatementCache>(*reader->db);
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
  MutexLock lock(&mu_);
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
        const Migration& step = Migrations()[version];
        db_->exec(step.sql);
        if (step.repair != nullptr) step.repair(*db_);
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

absl::Status SqliteStore::RunReadOnly(
    StatementCache& statements,
    const std::function<absl::Status(Transaction&)>& body) {
  SQLite::Database& db = statements.db();
  try {
    db.exec("BEGIN");
  } catch (const SQLite::Exception& e) {
    return absl::UnavailableError(
        absl::StrCat("database is busy or unavailable: ", e.what()));
  }
  SqliteTransaction tx(statements, /*writable=*/false);
  absl::Status status;
  try {
    status = body(tx);
  } catch (const SQLite::Exception& e) {
    status = absl::InternalError(absl::StrCat("database error: ", e.what()));
  }
  db.tryExec("ROLLBACK");
  return status;
}

absl::Status SqliteStore::Write(
    const std::function<absl::Status(Transaction&)>& body) {
  PendingWrite mine{&body};
  std::vector<PendingWrite*> group;
  {
    MutexLock lock(&queue_mu_);
    queue_.push_back(&mine);
    if (!committing_) {
      committing_ = true;
      mine.leads = true;
    }
    // Only this caller's own wake-up: its group committed, or it leads next.
    queue_mu_.Await(absl::Condition(
        +[](PendingWrite* w) { return w->done || w->leads; }, &mine));
    if (mine.done) return mine.status;  // a group led by another caller
    group.swap(queue_);  // everything queued so far, this write included
  }
  {
    MutexLock lock(&mu_);
    CommitGroup(group);
  }
  MutexLock lock(&queue_mu_);
  ++commits_;
  for (PendingWrite* w : group) w->done = true;
  if (queue_.empty()) {
    committing_ = false;
  } else {
    queue_.front()->leads = true;  // arrived during this commit
  }
  return mine.status;
}

void SqliteStore::CommitGroup(const std::vector<PendingWrite*>& group) {
  SQLite::Database& db = *db_;
  auto fail_all = [&](const absl::Status& s) {
    for (PendingWrite* w : group) w->status = s;
  };
  try {
    db.exec("BEGIN IMMEDIATE");
  } catch (const SQLite::Exception& e) {
    fail_all(absl::UnavailableError(
        absl::StrCat("database is busy or unavailable: ", e.what())));
    return;
  }
  for (PendingWrite* w : group) {
    SqliteTransaction tx(*statements_, /*writable=*/true);
    try {
      db.exec("SAVEPOINT one_write");
      try {
        w->status = (*w->body)(tx);
      } catch (const SQLite::Exception& e) {
        w->status =
            absl::InternalError(absl::StrCat("database error: ", e.what()));
      } catch (const std::exception& e) {
        w->status = absl::InternalError(absl::StrCat("error: ", e.what()));
      }
      if (sqlite3_get_autocommit(db.getHandle()) != 0) {
        // SQLite gave up the whole transaction (disk full, I/O error):
        // the writes before this one are gone too.
        fail_all(w->status.ok()
                     ? absl::InternalError("the database transaction was lost")
                     : w->status);
        return;
      }
      if (!w->status.ok()) db.exec("ROLLBACK TO one_write");
      db.exec("RELEASE one_write");
    } catch (const SQLite::Exception& e) {
      db.tryExec("ROLLBACK");
      fail_all(absl::InternalError(absl::StrCat("database error: ", e.what())));
      return;
    }
  }
  try {
    db.exec("COMMIT");
  } catch (const SQLite::Exception& e) {
    db.tryExec("ROLLBACK");
    const absl::Status lost = absl::UnavailableError(
        absl::StrCat("database commit failed: ", e.what()));
    for (PendingWrite* w : group) {
      if (w->status.ok()) w->status = lost;
    }
  }
}

absl::Status SqliteStore::Read(
    const std::function<absl::Status(Transaction&)>& body) {
  if (readers_.empty()) {
    MutexLock lock(&mu_);
    return RunReadOnly(*statements_, body);
  }
  Reader& reader = *readers_[next_reader_.fetch_add(1) % readers_.size()];
  MutexLock lock(&reader.mu);
  return RunReadOnly(*reader.statements, body);
}

size_t SqliteStore::queued_writes() {
  MutexLock lock(&queue_mu_);
  return queue_.size();
}

int64_t SqliteStore::commits() {
  MutexLock lock(&queue_mu_);
  return commits_;
}

absl::Status SqliteStore::Backup(const std::string& dest_path) {
  MutexLock lock(&mu_);
  try {
    db_->backup(dest_path.c_str(), SQLite::Database::Save);
  } catch (const SQLite::Exception& e) {
    return absl::InternalError(
        absl::StrCat("backup to ", dest_path, " failed: ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace werkbank::store

namespace werkbank::store {

absl::Status SqliteStore::Compact() {
  MutexLock lock(&mu_);
  try {
    db_->exec("VACUUM");
    // TRUNCATE waits (busy_timeout) for readers and then empties the WAL;
    // a reader that holds on makes it report busy, so it is retried.
    for (int attempt = 0; attempt < 20; ++attempt) {
      SQLite::Statement q(*db_, "PRAGMA wal_checkpoint(TRUNCATE)");
      if (q.executeStep() && q.getColumn(0).getInt() == 0) {
        return absl::OkStatus();
      }
    }
  } catch (const SQLite::Exception& e) {
    return absl::InternalError(
        absl::StrCat("compacting the database failed: ", e.what()));
  }
  return absl::UnavailableError(
      "the database stayed busy; its WAL could not be emptied");
}

}  // namespace werkbank::store
