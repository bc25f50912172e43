// The embedded SQLite implementation of Store: one database file in the state
// directory, WAL journal, synchronous=FULL (an acknowledged write survives a
// power cut), schema versioned with PRAGMA user_version.
//
// One writer connection, guarded by a mutex: SQLite has a single writer
// anyway, and serializing here makes every check-then-write inside Write()
// atomic. Reads (every request's authentication among them) use a small pool
// of read-only connections, so that they never wait behind a commit's fsync;
// WAL gives each a consistent snapshot.
#ifndef WERKBANK_SERVICES_STORE_SQLITE_STORE_H_
#define WERKBANK_SERVICES_STORE_SQLITE_STORE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "store.h"

namespace SQLite {
class Database;
}

namespace werkbank::store {

class SqliteStore : public Store {
 public:
  // The schema version this build writes and understands.
  static constexpr int kSchemaVersion = 2;

  // Opens or creates the database at `path` and migrates it. Fails with
  // FAILED_PRECONDITION when the file was written by a newer werkbank.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& path);
  ~SqliteStore() override;

  absl::Status Write(
      const std::function<absl::Status(Transaction&)>& body) override;
  absl::Status Read(
      const std::function<absl::Status(Transaction&)>& body) override;

  // Online, consistent copy into `dest_path` (SQLite backup API).
  absl::Status Backup(const std::string& dest_path) override;

 private:
  struct Reader {
    absl::Mutex mu;
    std::unique_ptr<SQLite::Database> db ABSL_GUARDED_BY(mu);
  };

  explicit SqliteStore(std::unique_ptr<SQLite::Database> db);
  absl::Status Migrate();
  static absl::Status Run(
      SQLite::Database& db, bool writable,
      const std::function<absl::Status(Transaction&)>& body);

  absl::Mutex mu_;
  std::unique_ptr<SQLite::Database> db_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Reader>> readers_;  // empty: read on the writer
  std::atomic<size_t> next_reader_{0};
};

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_SQLITE_STORE_H_
