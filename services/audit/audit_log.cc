// Hash chain over audit events; see audit_log.h.
#include "audit_log.h"

#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"

namespace werkbank::audit {
namespace {

// Length-prefixed fields, so that no two different events serialize alike.
void AddField(std::string& out, absl::string_view field) {
  absl::StrAppend(&out, field.size(), ":", field, ";");
}

}  // namespace

std::string HashOf(const store::AuditRecord& e) {
  std::string canonical;
  AddField(canonical, absl::StrCat(e.id));
  AddField(canonical, absl::StrCat(absl::ToUnixMicros(e.at)));
  AddField(canonical, e.actor);
  AddField(canonical, e.action);
  AddField(canonical, e.subject);
  AddField(canonical, e.detail);
  AddField(canonical, e.prev_hash);
  return crypto::Sha256Hex(canonical);
}

absl::StatusOr<store::AuditRecord> Append(store::Transaction& tx,
                                          const Entry& entry, absl::Time at) {
  auto last = tx.LastAuditEvent();
  if (!last.ok()) return last.status();
  store::AuditRecord e;
  e.id = *last ? (*last)->id + 1 : 1;
  e.at = at;
  e.actor = entry.actor;
  e.action = entry.action;
  e.subject = entry.subject;
  e.detail = entry.detail;
  e.prev_hash = *last ? (*last)->hash : std::string(64, '0');
  e.hash = HashOf(e);
  if (auto s = tx.InsertAudit(e); !s.ok()) return s;
  return e;
}

absl::StatusOr<VerifyResult> Verify(store::Transaction& tx) {
  VerifyResult result;
  std::string expected_prev(64, '0');
  int64_t after = 0;
  int64_t expected_id = 1;
  while (true) {
    auto batch = tx.ListAudit(after, 1000, "");
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    for (const store::AuditRecord& e : *batch) {
      auto broken = [&](std::string problem) {
        result.ok = false;
        result.first_broken_id = e.id;
        result.problem = std::move(problem);
        return result;
      };
      if (e.id != expected_id) {
        return broken(absl::StrCat("event ", expected_id,
                                   " is missing (next stored is ", e.id, ")"));
      }
      if (e.prev_hash != expected_prev) {
        return broken(absl::StrCat(
            "event ", e.id,
            " does not point at the event before it (altered or removed)"));
      }
      if (HashOf(e) != e.hash) {
        return broken(absl::StrCat("event ", e.id,
                                   " was altered: its hash does not match"));
      }
      expected_prev = e.hash;
      ++expected_id;
      ++result.events_checked;
      after = e.id;
    }
  }
  return result;
}

}  // namespace werkbank::audit
