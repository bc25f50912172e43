// SPDX-License-Identifier: EUPL-1.2
// The append-only, hash-chained audit log. Every event carries the SHA-256 of
// the event before it, so any edit or deletion of a stored event breaks the
// chain at that point and Verify() names it.
//
// The chain does not need the personal data it refers to. The fields that
// may name a person (actor, subject, detail) enter the event's hash only
// through a seal: per field a random salt and SHA-256(salt, field). Verify()
// checks each field against its digest while the salt is there. Anonymising
// a person (Redact) rewrites the fields that name them and drops those
// fields' salts; the digests stay, so the chain still verifies, and without
// the salt a digest cannot be matched against guessed names.
//
// Append() is called inside the Store::Write() transaction of the change it
// records: the change and its event are committed together or not at all.
#ifndef WERKBANK_SERVICES_AUDIT_AUDIT_LOG_H_
#define WERKBANK_SERVICES_AUDIT_AUDIT_LOG_H_

#include <cstdint>
#include <string>
#include <vector>

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

// The hash of an event over its id, time, action, the seal of its personal
// fields and the previous hash (events sealed before schema 8: over the
// fields themselves).
std::string HashOf(const store::AuditRecord& event);

struct VerifyResult {
  bool ok = true;
  int64_t events_checked = 0;
  int64_t first_broken_id = 0;
  std::string problem;
  int64_t anonymised_fields = 0;  // fields checked by their digest alone
};

// Recomputes the whole chain from the first event. A field whose salt is
// gone counts as anonymised only when a later "user.anonymise" event names
// its event; otherwise the event was altered.
absl::StatusOr<VerifyResult> Verify(store::Transaction& tx);

// Fresh salts and digests for the event's personal fields (its seal).
void Seal(store::AuditRecord& event);

// Replaces every occurrence of `needles` in the personal fields of the
// events that contain them by `replacement`, and drops those fields' salts.
// Returns the ids of the events changed, for the "user.anonymise" event
// that must follow in the same transaction (see AnonymisedEventsDetail).
absl::StatusOr<std::vector<int64_t>> Redact(
    store::Transaction& tx, const std::vector<std::string>& needles,
    const std::string& replacement);

// The detail of a "user.anonymise" event: `why`, then the ids rewritten.
std::string AnonymisedEventsDetail(const std::string& why,
                                   const std::vector<int64_t>& ids);

// Seals events written before schema 8 so that they can be anonymised: the
// old chain is verified first and left untouched if it is broken (the break
// stays visible). Records one "audit.reseal" event naming the old head.
// Returns how many events were sealed (0: nothing to do or refused).
absl::StatusOr<int64_t> SealLegacyEvents(store::Store& store, absl::Time now);

}  // namespace werkbank::audit

#endif  // WERKBANK_SERVICES_AUDIT_AUDIT_LOG_H_
