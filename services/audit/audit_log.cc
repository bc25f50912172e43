// SPDX-License-Identifier: EUPL-1.2
// Hash chain over audit events with sealed personal fields; see audit_log.h.
#include "audit_log.h"

#include <array>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "services/common/crypto.h"

namespace werkbank::audit {
namespace {

// Length-prefixed fields, so that no two different events serialize alike.
void AddField(std::string& out, absl::string_view field) {
  absl::StrAppend(&out, field.size(), ":", field, ";");
}

std::string FieldDigest(absl::string_view salt, absl::string_view field) {
  std::string text;
  AddField(text, salt);
  AddField(text, field);
  return crypto::Sha256Hex(text);
}

std::array<std::string*, 3> PersonalFields(store::AuditRecord& e) {
  return {&e.actor, &e.subject, &e.detail};
}

std::array<std::string, 3> Split3(const std::string& joined) {
  std::array<std::string, 3> out;
  std::vector<std::string> parts = absl::StrSplit(joined, ':');
  for (size_t i = 0; i < 3 && i < parts.size(); ++i) out[i] = parts[i];
  return out;
}

constexpr absl::string_view kRewritten = "; audit events rewritten:";

}  // namespace

void Seal(store::AuditRecord& e) {
  std::array<std::string, 3> salts, digests;
  auto fields = PersonalFields(e);
  for (int i = 0; i < 3; ++i) {
    salts[i] = crypto::HexEncode(crypto::RandomBytes(16));
    digests[i] = FieldDigest(salts[i], *fields[i]);
  }
  e.seal_salts = absl::StrJoin(salts, ":");
  e.seal_digests = absl::StrJoin(digests, ":");
}

std::string AnonymisedEventsDetail(const std::string& why,
                                   const std::vector<int64_t>& ids) {
  return absl::StrCat(why, kRewritten, ids.empty() ? " none" : " ",
                      absl::StrJoin(ids, " "));
}

std::string HashOf(const store::AuditRecord& e) {
  std::string canonical;
  if (e.seal_digests.empty()) {  // sealed before schema 8
    AddField(canonical, absl::StrCat(e.id));
    AddField(canonical, absl::StrCat(absl::ToUnixMicros(e.at)));
    AddField(canonical, e.actor);
    AddField(canonical, e.action);
    AddField(canonical, e.subject);
    AddField(canonical, e.detail);
    AddField(canonical, e.prev_hash);
    return crypto::Sha256Hex(canonical);
  }
  AddField(canonical, "v2");
  AddField(canonical, absl::StrCat(e.id));
  AddField(canonical, absl::StrCat(absl::ToUnixMicros(e.at)));
  AddField(canonical, e.action);
  for (const std::string& d : Split3(e.seal_digests)) AddField(canonical, d);
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
  Seal(e);
  e.hash = HashOf(e);
  if (auto s = tx.InsertAudit(e); !s.ok()) return s;
  return e;
}

absl::StatusOr<VerifyResult> Verify(store::Transaction& tx) {
  VerifyResult result;
  // Events with anonymised fields, until an anonymisation names them.
  std::set<int64_t> unexplained;
  std::string expected_prev(64, '0');
  int64_t after = 0;
  int64_t expected_id = 1;
  while (true) {
    auto batch = tx.ListAudit(after, 1000, "");
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    for (store::AuditRecord& e : *batch) {
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
      if (!e.seal_digests.empty()) {
        const auto salts = Split3(e.seal_salts);
        const auto digests = Split3(e.seal_digests);
        const auto fields = PersonalFields(e);
        for (int i = 0; i < 3; ++i) {
          if (salts[i].empty()) {
            ++result.anonymised_fields;
            unexplained.insert(e.id);
          } else if (FieldDigest(salts[i], *fields[i]) != digests[i]) {
            return broken(absl::StrCat("event ", e.id, " was altered: its ",
                                       i == 0   ? "actor"
                                       : i == 1 ? "subject"
                                                : "detail",
                                       " does not match its seal"));
          }
        }
      }
      if (HashOf(e) != e.hash) {
        return broken(absl::StrCat("event ", e.id,
                                   " was altered: its hash does not match"));
      }
      if (e.action == "user.anonymise") {
        const size_t at = absl::string_view(e.detail).rfind(kRewritten);
        if (at != std::string::npos) {
          for (absl::string_view id : absl::StrSplit(
                   absl::string_view(e.detail).substr(at + kRewritten.size()),
                   ' ', absl::SkipEmpty())) {
            int64_t n = 0;
            if (absl::SimpleAtoi(id, &n)) unexplained.erase(n);
          }
        }
      }
      expected_prev = e.hash;
      ++expected_id;
      ++result.events_checked;
      after = e.id;
    }
  }
  if (!unexplained.empty()) {
    result.ok = false;
    result.first_broken_id = *unexplained.begin();
    result.problem = absl::StrCat(
        "event ", result.first_broken_id,
        " was altered: a field lost its seal but no anonymisation names it");
  }
  return result;
}

absl::StatusOr<std::vector<int64_t>> Redact(
    store::Transaction& tx, const std::vector<std::string>& needles,
    const std::string& replacement) {
  auto events = tx.ListAuditMentioning(needles);
  if (!events.ok()) return events.status();
  std::vector<std::pair<absl::string_view, absl::string_view>> replacements;
  for (const std::string& n : needles) {
    if (!n.empty()) replacements.emplace_back(n, replacement);
  }
  std::vector<int64_t> changed;
  for (store::AuditRecord& e : *events) {
    if (e.seal_digests.empty()) Seal(e);  // a legacy event left unsealed
    auto salts = Split3(e.seal_salts);
    auto fields = PersonalFields(e);
    bool any = false;
    for (int i = 0; i < 3; ++i) {
      // An anonymisation's detail holds event ids only, never a name.
      if (i == 2 && e.action == "user.anonymise") continue;
      std::string rewritten = absl::StrReplaceAll(*fields[i], replacements);
      if (rewritten == *fields[i]) continue;
      *fields[i] = std::move(rewritten);
      salts[i].clear();
      any = true;
    }
    if (!any) continue;
    e.seal_salts = absl::StrJoin(salts, ":");
    // The hash is unchanged for sealed events; a legacy one gets a new hash
    // and the chain shows the break where it already was unverifiable.
    e.hash = HashOf(e);
    if (auto s = tx.RewriteAudit(e); !s.ok()) return s;
    changed.push_back(e.id);
  }
  return changed;
}

absl::StatusOr<int64_t> SealLegacyEvents(store::Store& store, absl::Time now) {
  // Sealing runs from the first event on, so a sealed first event means a
  // sealed chain: a start-up reads one event, not the whole log.
  bool first_sealed = true;
  absl::Status peek = store.Read([&](store::Transaction& tx) -> absl::Status {
    auto first = tx.ListAudit(0, 1, "");
    if (!first.ok()) return first.status();
    first_sealed = first->empty() || !first->front().seal_digests.empty();
    return absl::OkStatus();
  });
  if (!peek.ok()) return peek;
  if (first_sealed) return 0;
  int64_t sealed = 0;
  absl::Status s = store.Write([&](store::Transaction& tx) -> absl::Status {
    sealed = 0;
    std::string old_head, prev(64, '0');
    bool any_legacy = false;
    std::vector<store::AuditRecord> all;
    for (int64_t after = 0;;) {
      auto batch = tx.ListAudit(after, 1000, "");
      if (!batch.ok()) return batch.status();
      if (batch->empty()) break;
      for (store::AuditRecord& e : *batch) {
        any_legacy = any_legacy || e.seal_digests.empty();
        after = e.id;
        all.push_back(std::move(e));
      }
    }
    if (!any_legacy) return absl::OkStatus();
    auto verified = Verify(tx);
    if (!verified.ok()) return verified.status();
    if (!verified->ok) return absl::OkStatus();  // the break stays visible
    for (store::AuditRecord& e : all) {
      old_head = e.hash;
      e.prev_hash = prev;
      if (e.seal_digests.empty()) {
        Seal(e);
        ++sealed;
      }
      e.hash = HashOf(e);
      prev = e.hash;
      if (auto st = tx.RewriteAudit(e); !st.ok()) return st;
    }
    if (sealed == 0) return absl::OkStatus();
    return Append(tx,
                  {"system", "audit.reseal", "audit",
                   absl::StrCat(sealed,
                                " events sealed so that personal fields can be "
                                "anonymised; the verified chain ended in ",
                                old_head)},
                  now)
        .status();
  });
  if (!s.ok()) return s;
  return sealed;
}

}  // namespace werkbank::audit
