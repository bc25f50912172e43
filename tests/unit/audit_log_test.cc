// SPDX-License-Identifier: EUPL-1.2
// The audit chain: intact after many changes, and any edit or removal of a
// stored event is found and named.
#include "services/audit/audit_log.h"

#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain_fixture.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;

class AuditLogTest : public DomainTest {
 protected:
  audit::VerifyResult Verify() {
    audit::VerifyResult result;
    auto s = store_->Read([&](store::Transaction& tx) -> absl::Status {
      auto r = audit::Verify(tx);
      if (!r.ok()) return r.status();
      result = *r;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return result;
  }
  // Edits the database behind the daemon's back, as an attacker would.
  void Tamper(const std::string& sql) {
    SQLite::Database raw(dir_.File("werkbank.db"), SQLite::OPEN_READWRITE);
    raw.exec(sql);
  }
};

TEST_F(AuditLogTest, EveryChangeIsRecordedInAnIntactChain) {
  access::Actor tina = MakeUser("tina", store::kTrainer);
  MakeUser("anna", store::kParticipant);
  Brief(tina, "laser", "anna");
  auto result = Verify();
  EXPECT_TRUE(result.ok) << result.problem;
  // bootstrap, 2 users, briefing, qualification
  EXPECT_EQ(result.events_checked, 5);
  std::vector<store::AuditRecord> events;
  ASSERT_TRUE(store_
                  ->Read([&](store::Transaction& tx) -> absl::Status {
                    auto e = tx.ListAudit(0, 100, "");
                    events = *e;
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(events[3].actor, "tina");
  EXPECT_EQ(events[3].action, "briefing.record");
  EXPECT_EQ(events[4].prev_hash, events[3].hash);
}

TEST_F(AuditLogTest, AnAlteredEventIsNamed) {
  MakeUser("anna", store::kParticipant);
  MakeUser("bob", store::kParticipant);
  Tamper("UPDATE audit_events SET actor = 'someone-else' WHERE id = 2");
  auto result = Verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_broken_id, 2);
  EXPECT_THAT(result.problem, HasSubstr("altered"));
}

TEST_F(AuditLogTest, ARemovedEventIsNamed) {
  MakeUser("anna", store::kParticipant);
  MakeUser("bob", store::kParticipant);
  Tamper("DELETE FROM audit_events WHERE id = 2");
  auto result = Verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_broken_id, 3);
  EXPECT_THAT(result.problem, HasSubstr("event 2 is missing"));
}

TEST_F(AuditLogTest, ARewrittenHashIsCaughtByTheNextEvent) {
  MakeUser("anna", store::kParticipant);
  MakeUser("bob", store::kParticipant);
  // Rewriting event 2 consistently (new hash) still breaks event 3's link.
  store::AuditRecord e;
  ASSERT_TRUE(store_
                  ->Read([&](store::Transaction& tx) -> absl::Status {
                    e = (*tx.ListAudit(1, 1, ""))[0];
                    return absl::OkStatus();
                  })
                  .ok());
  e.detail = "forged";
  audit::Seal(e);  // a new seal for the forged text, and a new hash
  Tamper("UPDATE audit_events SET detail = 'forged', seal_salts = '" +
         e.seal_salts + "', seal_digests = '" + e.seal_digests + "', hash = '" +
         audit::HashOf(e) + "' WHERE id = 2");
  auto result = Verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_broken_id, 3);
}

TEST_F(AuditLogTest, AFailedChangeLeavesNoEvent) {
  MakeUser("anna", store::kParticipant);
  access::NewUser dup{"anna", "", store::kParticipant,
                      store::UserGroup::kCitizen, ""};
  EXPECT_FALSE(accounts_->CreateUser(staff_, dup).ok());
  EXPECT_EQ(Verify().events_checked, 2);
}

}  // namespace
}  // namespace werkbank::testing
