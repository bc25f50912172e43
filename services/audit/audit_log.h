// The append-only, hash-chained audit log. Every event carries the SHA-256 of
// the event before it, so any edit or deletion of a stored event breaks the
// chain at that point and Verify() names it.
//
// Append() is called inside the Store::Write() transaction of the change it
// records: the change and its event are committed together or not at all.
#ifndef WERKBANK_SERVICES_AUDIT_AUDIT_LOG_H_
#define WERKBANK_SERVICES_AUDIT_AUDIT_LOG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/store/store.h"

namespace werkbank::audit {

struct Entry {
  std::string actor;    // login, or "system"
  std::string action;   // e.g. "reservation.create", "login.refused"
  std::string subject;  // e.g. "reservation/17", "user/anna"
  std::string detail;   // why, and what changed; never a secret
};

// Appends `entry` at time `at`. Returns the stored event.
absl::StatusOr<store::AuditRecord> Append(store::Transaction& tx,
                                          const Entry& entry, absl::Time at);

// The hash of an event over its id, time, fields and the previous hash.
std::string HashOf(const store::AuditRecord& event);

struct VerifyResult {
  bool ok = true;
  int64_t events_checked = 0;
  int64_t first_broken_id = 0;
  std::string problem;
};

// Recomputes the whole chain from the first event.
absl::StatusOr<VerifyResult> Verify(store::Transaction& tx);

}  // namespace werkbank::audit

#endif  // WERKBANK_SERVICES_AUDIT_AUDIT_LOG_H_
