// SPDX-License-Identifier: EUPL-1.2
// Prepared statements kept per connection, so that a transaction does not
// parse its SQL again on every call (parsing costs more than running most of
// our queries). Internal to services/store.
//
// Thread-safety: none; a cache belongs to one connection and is used under
// that connection's mutex.
#ifndef WERKBANK_SERVICES_STORE_STATEMENT_CACHE_H_
#define WERKBANK_SERVICES_STORE_STATEMENT_CACHE_H_

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace werkbank::store {

class StatementCache;

// A cached statement lent to one caller: used like SQLite::Statement, and
// reset (ending its read of the database) and handed back when it goes out
// of scope.
class CachedStatement {
 public:
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  ~CachedStatement();

  template <typename... Args>
  void bind(Args&&... args) {
    stmt_->bind(std::forward<Args>(args)...);
  }
  bool executeStep() { return stmt_->executeStep(); }
  int exec() { return stmt_->exec(); }
  SQLite::Column getColumn(int index) { return stmt_->getColumn(index); }
  operator SQLite::Statement&() { return *stmt_; }

 private:
  friend class StatementCache;
  CachedStatement(SQLite::Statement* stmt, bool* in_use)
      : stmt_(stmt), in_use_(in_use) {}

  SQLite::Statement* stmt_;
  bool* in_use_;
};

class StatementCache {
 public:
  explicit StatementCache(SQLite::Database& db) : db_(db) {}

  // The statement for `sql`, prepared once per connection. A statement still
  // lent out (a nested use of the same SQL) gets a second copy.
  CachedStatement Prepare(const std::string& sql);

  SQLite::Database& db() { return db_; }

 private:
  struct Entry {
    std::unique_ptr<SQLite::Statement> stmt;
    bool in_use = false;
  };

  SQLite::Database& db_;
  absl::flat_hash_map<std::string, std::vector<std::unique_ptr<Entry>>>
      entries_;
};

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_STATEMENT_CACHE_H_
