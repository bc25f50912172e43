// SPDX-License-Identifier: EUPL-1.2
#include "statement_cache.h"

namespace werkbank::store {

CachedStatement::~CachedStatement() {
  stmt_->tryReset();
  try {
    stmt_->clearBindings();  // sqlite3_clear_bindings cannot fail
  } catch (const SQLite::Exception&) {
  }
  *in_use_ = false;
}

CachedStatement StatementCache::Prepare(const std::string& sql) {
  std::vector<std::unique_ptr<Entry>>& copies = entries_[sql];
  for (auto& entry : copies) {
    if (!entry->in_use) {
      entry->in_use = true;
      return CachedStatement(entry->stmt.get(), &entry->in_use);
    }
  }
  auto entry = std::make_unique<Entry>();
  entry->stmt = std::make_unique<SQLite::Statement>(db_, sql);
  entry->in_use = true;
  copies.push_back(std::move(entry));
  return CachedStatement(copies.back()->stmt.get(), &copies.back()->in_use);
}

}  // namespace werkbank::store
