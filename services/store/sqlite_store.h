// SPDX-License-Identifier: EUPL-1.2
// The embedded SQLite implementation of Store: one database file in the state
// directory, WAL journal, synchronous=FULL (an acknowledged write survives a
// power cut), schema versioned with PRAGMA user_version.
//
// One writer connection, guarded by a mutex: SQLite has a single writer
// anyway, and serializing here makes every check-then-write inside Write()
// atomic. Writes are group-committed: while one commit waits for its fsync,
// the writes that arrive queue up, and the next of their callers runs them
// all in one transaction, each in its own savepoint (a failing one undoes
// only itself), with one fsync for the group. Every caller still returns
// only once its own writes are durable. Reads (every request's authentication
// among them) use a small pool of read-only connections, so that they never
// wait behind a commit's fsync; WAL gives each a consistent snapshot.
#ifndef WERKBANK_SERVICES_STORE_SQLITE_STORE_H_
#define WERKBANK_SERVICES_STORE_SQLITE_STORE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "base/mutex.h"
#include "statement_cache.h"
#include "store.h"

namespace werkbank::store {

class SqliteStore : public Store {
 public:
  // The schema version this build writes and understands.
  static constexpr int kSchemaVersion = 11;

  // Opens or creates the database at `path` and migrates it. Fails with
  // FAILED_PRECONDITION when the file was written by a newer werkbank.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& path);
  ~SqliteStore() override;

  absl::Status Write(const std::function<absl::Status(Transaction&)>& body)
      override ABSL_LOCKS_EXCLUDED(queue_mu_, mu_);
  absl::Status Read(const std::function<absl::Status(Transaction&)>& body)
      override ABSL_LOCKS_EXCLUDED(mu_);

  // Online, consistent copy into `dest_path` (SQLite backup API).
  absl::Status Backup(const std::string& dest_path) override
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Compact() override ABSL_LOCKS_EXCLUDED(mu_);

  // For tests and benchmarks: writes waiting for a group, and transactions
  // committed so far (each holding one or more writes).
  size_t queued_writes() ABSL_LOCKS_EXCLUDED(queue_mu_);
  int64_t commits() ABSL_LOCKS_EXCLUDED(queue_mu_);

 private:
  // One caller's Write(), queued for the group that will commit it. Its
  // fields after `body` are under queue_mu_ (the analysis cannot name the
  // store's mutex from here).
  struct PendingWrite {
    const std::function<absl::Status(Transaction&)>* body;
    absl::Status status;
    bool done = false;   // committed or failed; status is final
    bool leads = false;  // runs the next group
  };
  struct Reader {
    Mutex mu;
    std::unique_ptr<SQLite::Database> db ABSL_GUARDED_BY(mu);
    std::unique_ptr<StatementCache> statements ABSL_GUARDED_BY(mu);
  };

  explicit SqliteStore(std::unique_ptr<SQLite::Database> db);
  absl::Status Migrate() ABSL_LOCKS_EXCLUDED(mu_);
  // Runs every body of `group` in one transaction and sets their statuses.
  void CommitGroup(const std::vector<PendingWrite*>& group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static absl::Status RunReadOnly(
      StatementCache& statements,
      const std::function<absl::Status(Transaction&)>& body);

  Mutex queue_mu_;
  std::vector<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool committing_ ABSL_GUARDED_BY(queue_mu_) = false;
  int64_t commits_ ABSL_GUARDED_BY(queue_mu_) = 0;

  Mutex mu_;  // the writer connection
  std::unique_ptr<SQLite::Database> db_ ABSL_GUARDED_BY(mu_);
  // After db_: its statements are finalized before the connection closes.
  std::unique_ptr<StatementCache> statements_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Reader>> readers_;  // empty: read on the writer
  std::atomic<size_t> next_reader_{0};
};

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_SQLITE_STORE_H_
