// SPDX-License-Identifier: EUPL-1.2
// Stored text made valid UTF-8; see utf8_repair.h.
#include "utf8_repair.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/utf8.h"
#include "services/common/utf8_wire.h"
#include "werkbank/v1/jobs.pb.h"

namespace werkbank::store {
namespace {

// The free text columns that answers are built from (audit_events excepted:
// see schema.cc).
constexpr std::pair<const char*, const char*> kTextColumns[] = {
    {"users", "display_name"},
    {"briefings", "note"},
    {"qualifications", "revoke_reason"},
    {"reservations", "note"},
    {"reservations", "cancel_reason"},
    {"jobs", "file_name"},
    {"jobs", "end_reason"},
    {"machine_blocks", "reason"},
};

void RepairTextColumn(SQLite::Database& db, const char* table,
                      const char* column) {
  std::vector<std::pair<int64_t, std::string>> fixes;
  SQLite::Statement read(
      db, absl::StrCat("SELECT rowid, ", column, " FROM ", table));
  while (read.executeStep()) {
    const std::string text = read.getColumn(1).getString();
    if (!utf8::IsValid(text)) {
      fixes.emplace_back(read.getColumn(0).getInt64(),
                         utf8::EscapeInvalid(text));
    }
  }
  SQLite::Statement write(db, absl::StrCat("UPDATE ", table, " SET ", column,
                                           " = ? WHERE rowid = ?"));
  for (const auto& [rowid, text] : fixes) {
    write.bind(1, text);
    write.bind(2, rowid);
    write.exec();
    write.reset();
  }
}

void RepairPreflights(SQLite::Database& db) {
  std::vector<std::pair<int64_t, std::string>> fixes;
  SQLite::Statement read(db, "SELECT id, preflight FROM jobs");
  while (read.executeStep()) {
    const SQLite::Column blob = read.getColumn(1);
    const std::string encoded(static_cast<const char*>(blob.getBlob()),
                              static_cast<size_t>(blob.getBytes()));
    if (auto fixed =
            utf8::RepairEncoded(*v1::PreflightReport::descriptor(), encoded)) {
      fixes.emplace_back(read.getColumn(0).getInt64(), std::move(*fixed));
    }
  }
  SQLite::Statement write(db, "UPDATE jobs SET preflight = ? WHERE id = ?");
  for (const auto& [id, encoded] : fixes) {
    write.bind(1, encoded.data(), static_cast<int>(encoded.size()));
    write.bind(2, id);
    write.exec();
    write.reset();
  }
}

}  // namespace

void RepairInvalidUtf8(SQLite::Database& db) {
  for (const auto& [table, column] : kTextColumns) {
    RepairTextColumn(db, table, column);
  }
  RepairPreflights(db);
}

}  // namespace werkbank::store
