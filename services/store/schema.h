// The database schema as an ordered list of migrations: entry i moves a
// database from user_version i to i + 1. Never edit a released entry; append.
#ifndef WERKBANK_SERVICES_STORE_SCHEMA_H_
#define WERKBANK_SERVICES_STORE_SCHEMA_H_

#include <span>

namespace werkbank::store {

std::span<const char* const> Migrations();

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_SCHEMA_H_
