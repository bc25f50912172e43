// SPDX-License-Identifier: EUPL-1.2
// The database schema as an ordered list of migrations: entry i moves a
// database from user_version i to i + 1. Never edit a released entry; append.
#ifndef WERKBANK_SERVICES_STORE_SCHEMA_H_
#define WERKBANK_SERVICES_STORE_SCHEMA_H_

#include <span>

namespace SQLite {
class Database;
}

namespace werkbank::store {

struct Migration {
  const char* sql;
  // For what SQL cannot do, run after `sql` in the same transaction; throws
  // SQLite::Exception on failure. Null for most migrations.
  void (*repair)(SQLite::Database& db) = nullptr;
};

std::span<const Migration> Migrations();

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_SCHEMA_H_
