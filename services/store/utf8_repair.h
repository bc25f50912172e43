// SPDX-License-Identifier: EUPL-1.2
// The repair behind schema version 5: escapes invalid UTF-8 in stored text
// (utf8::EscapeInvalid), the encoded preflight reports of jobs included.
#ifndef WERKBANK_SERVICES_STORE_UTF8_REPAIR_H_
#define WERKBANK_SERVICES_STORE_UTF8_REPAIR_H_

namespace SQLite {
class Database;
}

namespace werkbank::store {

// Runs inside the migration's transaction; throws SQLite::Exception.
void RepairInvalidUtf8(SQLite::Database& db);

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_UTF8_REPAIR_H_
