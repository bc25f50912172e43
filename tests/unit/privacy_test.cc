// SPDX-License-Identifier: EUPL-1.2
// Privacy by default against a real SQLite store: visits are counted, never
// named; anonymising a person leaves every figure and the audit chain as
// they were and leaves none of their name, login, card or notes in the
// database file or its WAL; older audit chains are sealed once; accounts
// unused for two years are anonymised by the daily task (fake clock).
#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "domain_fixture.h"
#include "services/audit/audit_log.h"
#include "services/privacy/anonymiser.h"
#include "services/privacy/data_export.h"
#include "services/reports/impact_report.h"
#include "services/visits/visit_log.h"
#include "services/visits/visit_rules.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class PrivacyTest : public DomainTest {
 protected:
  void SetUp() override {
    DomainTest::SetUp();
    visits_ = std::make_unique<visits::VisitLog>(*store_, clock_, config_);
    anonymiser_ = std::make_unique<privacy::Anonymiser>(
        *store_, clock_, config_, dir_.File("jobs"));
    impact_ =
        std::make_unique<reports::ImpactReports>(*store_, clock_, config_);
  }

  store::VisitRecord Visit(const std::string& group, int people) {
    store::VisitRecord v;
    v.start = clock_.Now() - absl::Hours(48);
    v.duration_minutes = 90;
    v.group_type = group;
    v.head_count = people;
    v.age_bands = {0, people, 0, 0, 0, 0};
    v.first_timers = people / 2;
    v.topic = "name plates";
    v.machine_classes = {"laser"};
    return v;
  }

  audit::VerifyResult Verify() {
    audit::VerifyResult result;
    EXPECT_TRUE(store_
                    ->Read([&](store::Transaction& tx) -> absl::Status {
                      auto r = audit::Verify(tx);
                      if (!r.ok()) return r.status();
                      result = *r;
                      return absl::OkStatus();
                    })
                    .ok());
    return result;
  }

  // Every figure of the report as text, suppressed ones as "hidden".
  std::string Figures() {
    auto r = impact_->Report(staff_, clock_.Now() - absl::Hours(24 * 30),
                             clock_.Now() + absl::Hours(24 * 30));
    EXPECT_TRUE(r.ok()) << r.status();
    std::string out;
    for (const auto& t : r->tables) {
      for (size_t i = 0; i < t.cells.size(); ++i) {
        for (size_t j = 0; j < t.cells[i].size(); ++j) {
          const auto& c = t.cells[i][j];
          absl::StrAppend(
              &out, t.name, "/", t.row_keys[i], "/", t.column_keys[j], "=",
              c.suppressed ? "hidden" : absl::StrCat(c.value), "\n");
        }
      }
    }
    return out;
  }

  std::unique_ptr<visits::VisitLog> visits_;
  std::unique_ptr<privacy::Anonymiser> anonymiser_;
  std::unique_ptr<reports::ImpactReports> impact_;
};

TEST_F(PrivacyTest, TheCountsOfAVisitMustAddUpAndTheMessageSaysHow) {
  access::Actor tina = MakeUser("tina", store::kTrainer);
  store::VisitRecord v = Visit("school_class", 25);
  v.age_bands = {0, 20, 0, 0, 0, 0};
  auto r = visits_->Record(tina, v);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(),
              HasSubstr("the age bands add up to 20 but the head-count is 25"));
  v = Visit("school_class", 25);
  v.genders = std::array<int, 4>{13, 13, 0, 0};
  EXPECT_THAT(visits_->Record(tina, v).status().message(),
              HasSubstr("more than the head-count of 25"));
  v = Visit("school_class", 25);
  v.first_timers = 26;
  EXPECT_THAT(visits_->Record(tina, v).status().message(),
              HasSubstr("26 first-timers are more than the head-count of 25"));
  v = Visit("kindergarten", 25);
  EXPECT_THAT(visits_->Record(tina, v).status().message(),
              HasSubstr("use one of school_class, club, citizens, city_staff, "
                        "other"));
  v = Visit("school_class", 25);
  v.genders = std::array<int, 4>{12, 11, 1, 1};
  auto ok = visits_->Record(tina, v);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_GT(ok->id, 0);
  // A participant records nothing.
  access::Actor anna = MakeUser("anna", store::kParticipant);
  EXPECT_EQ(visits_->Record(anna, Visit("club", 8)).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(PrivacyTest, AWorkshopBookingBecomesAVisitOnce) {
  access::Actor tina = MakeUser("tina", store::kTrainer);
  MakeUser("anna", store::kParticipant);
  booking::NewReservation w;
  w.machine_id = "laser-1";
  w.kind = store::ReservationKind::kWorkshop;
  w.start = Local("2026-03-30 10:00");
  w.end = Local("2026-03-30 11:30");
  w.participant_logins = {"anna"};
  w.note = "Holiday programme: key rings";
  auto made = bookings_->Create(tina, w);
  ASSERT_TRUE(made.ok()) << made.status();
  visits::FromReservation req;
  req.reservation_id = (*made)[0].record.id;
  req.group_type = "citizens";
  auto v = visits_->RecordFromReservation(tina, req);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->duration_minutes, 90);
  EXPECT_EQ(v->head_count, 2);  // anna and the trainer
  EXPECT_EQ(v->age_bands[5], 2);
  EXPECT_EQ(v->machine_classes, std::vector<std::string>{"laser"});
  EXPECT_EQ(v->topic, "Holiday programme: key rings");
  EXPECT_EQ(visits_->RecordFromReservation(tina, req).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(PrivacyTest, AnonymisingKeepsEveryFigureAndTheChainAndLeavesNoTrace) {
  access::Actor tina = MakeUser("tina", store::kTrainer);
  access::NewUser nu{"annabeth", "Annabeth Quellmalz", store::kParticipant,
                     store::UserGroup::kSchool, "a long password"};
  ASSERT_TRUE(accounts_->CreateUser(staff_, nu).ok());
  ASSERT_TRUE(
      accounts_->SetCard(staff_, "annabeth", "04:A3:2B:99:7F", "4711").ok());
  ASSERT_TRUE(accounts_->LoginWithPassword("annabeth", "a long password").ok());
  access::Actor anna = ActorFor("annabeth");
  std::string password_hash;
  ASSERT_TRUE(store_
                  ->Read([&](store::Transaction& tx) -> absl::Status {
                    password_hash =
                        (*tx.FindUserById(anna.user_id))->password_hash;
                    return absl::OkStatus();
                  })
                  .ok());
  Brief(tina, "laser", "annabeth");
  auto booked = Book(anna, "laser-1", Local("2026-03-28 10:00"),
                     Local("2026-03-28 11:00"));
  ASSERT_TRUE(booked.ok()) << booked.status();
  ASSERT_TRUE(store_
                  ->Write([&](store::Transaction& tx) -> absl::Status {
                    store::ReservationRecord r = (*booked)[0].record;
                    r.note = "Annabeth's name plate for annabeth";
                    if (auto s = tx.UpdateReservation(r); !s.ok()) return s;
                    store::JobRecord j;
                    j.machine_id = "laser-1";
                    j.owner_id = anna.user_id;
                    j.file_name = "annabeth-nameplate.gcode";
                    j.sha256 = std::string(64, 'a');
                    j.state = store::JobState::kCompleted;
                    j.created_at = clock_.Now();
                    if (auto id = tx.InsertJob(j); !id.ok()) return id.status();
                    // A print service request: her note, her file's name,
                    // and the reason it was declined, written to her.
                    store::ServiceRequestRecord sr;
                    sr.submitter_id = anna.user_id;
                    sr.machine_class = "laser";
                    sr.file_name = "keyring-for-annabeth.gcode";
                    sr.note = "please bring it to Birkenweg 12";
                    sr.sha256 = std::string(64, 'b');
                    sr.state = store::ServiceRequestState::kDeclined;
                    sr.decline_reason = "sorry, the Hollerbusch rule";
                    sr.created_at = clock_.Now();
                    return tx.InsertServiceRequest(sr).status();
                  })
                  .ok());
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(
        visits_->Record(tina, Visit(i % 2 ? "club" : "school_class", 3 + 5 * i))
            .ok());
  }
  auto v = Visit("citizens", 12);
  v.topic = "Annabeth showed the laser to her class";
  ASSERT_TRUE(visits_->Record(tina, v).ok());
  ASSERT_THAT(Figures(), HasSubstr("hidden")) << "a small group is in it";
  const std::string before = Figures();
  const std::string db = dir_.File("werkbank.db");
  ASSERT_TRUE(
      absl::StrContains(ReadBytes(db) + ReadBytes(db + "-wal"), "annabeth"));

  auto done = anonymiser_->AnonymiseNow(staff_, "annabeth", "asked by email");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->user_id, anna.user_id);
  EXPECT_GE(done->audit_events_redacted, 3);

  EXPECT_EQ(Figures(), before);
  const audit::VerifyResult chain = Verify();
  EXPECT_TRUE(chain.ok) << chain.problem;
  EXPECT_GT(chain.anonymised_fields, 0);
  const std::string bytes = ReadBytes(db) + ReadBytes(db + "-wal");
  for (const std::string& trace :
       {std::string("annabeth"), std::string("Annabeth"),
        std::string("Quellmalz"), std::string("04:A3:2B:99:7F"),
        std::string("Birkenweg"), std::string("Hollerbusch"), password_hash}) {
    EXPECT_FALSE(absl::StrContains(bytes, trace)) << trace;
  }
  // What they did is still there, under their number.
  auto quals = trainings_->ListQualifications(staff_, "", true);
  ASSERT_TRUE(quals.ok());
  bool found = false;
  for (const auto& q : *quals) found |= q.record.user_id == anna.user_id;
  EXPECT_TRUE(found);
  EXPECT_EQ(accounts_->LoginWithPassword("annabeth", "a long password")
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  // Once is enough; and nobody anonymises themselves.
  EXPECT_EQ(anonymiser_->AnonymiseNow(staff_, "admin", "").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PrivacyTest, ASealRemovedByHandIsFound) {
  MakeUser("anna", store::kParticipant);
  MakeUser("bob", store::kParticipant);
  ASSERT_TRUE(Verify().ok);
  {
    // An "anonymisation" that no anonymise event records.
    SQLite::Database raw(dir_.File("werkbank.db"), SQLite::OPEN_READWRITE);
    raw.exec(
        "UPDATE audit_events SET actor = 'someone', seal_salts = ':' || "
        "substr(seal_salts, instr(seal_salts, ':') + 1) WHERE id = 2");
  }
  const audit::VerifyResult r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_broken_id, 2);
  EXPECT_THAT(r.problem, HasSubstr("no anonymisation names it"));
}

TEST_F(PrivacyTest, AChainWrittenBeforeSealsIsSealedOnceAndStillVerifies) {
  // The whole chain as werkbank wrote it before schema 8: each hash over
  // the text itself, and three more such events.
  int64_t before = 0;
  ASSERT_TRUE(store_
                  ->Write([&](store::Transaction& tx) -> absl::Status {
                    std::string prev(64, '0');
                    auto all = tx.ListAudit(0, 1000, "");
                    for (store::AuditRecord e : *all) {
                      e.seal_salts.clear();
                      e.seal_digests.clear();
                      e.prev_hash = prev;
                      e.hash = audit::HashOf(e);
                      prev = e.hash;
                      if (auto s = tx.RewriteAudit(e); !s.ok()) return s;
                    }
                    before = static_cast<int64_t>(all->size());
                    auto last = tx.LastAuditEvent();
                    for (int i = 0; i < 3; ++i) {
                      store::AuditRecord e;
                      e.id = (*last)->id + 1 + i;
                      e.at = clock_.Now();
                      e.actor = "admin";
                      e.action = "user.create";
                      e.subject = absl::StrCat("user/old", i);
                      e.prev_hash = prev;
                      e.hash = audit::HashOf(e);
                      prev = e.hash;
                      if (auto s = tx.InsertAudit(e); !s.ok()) return s;
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(Verify().ok);
  auto sealed = audit::SealLegacyEvents(*store_, clock_.Now());
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(*sealed, before + 3);
  EXPECT_TRUE(Verify().ok) << Verify().problem;
  EXPECT_EQ(*audit::SealLegacyEvents(*store_, clock_.Now()), 0);
  // Now a person in those events can be anonymised.
  MakeUser("old1", store::kParticipant);
  ASSERT_TRUE(anonymiser_->AnonymiseNow(staff_, "old1", "").ok());
  EXPECT_TRUE(Verify().ok) << Verify().problem;
}

TEST_F(PrivacyTest, AccountsUnusedForTwoYearsAreAnonymisedButNotStaff) {
  const access::Actor anna = MakeUser("anna", store::kParticipant);
  clock_.Advance(absl::Hours(24 * 365));
  const access::Actor carl = MakeUser("carl", store::kParticipant);
  clock_.Advance(absl::Hours(24 * 400));
  auto done = anonymiser_->AnonymiseInactive();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(*done, std::vector<int64_t>{anna.user_id});
  auto again = anonymiser_->AnonymiseInactive();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  EXPECT_TRUE(Verify().ok);
  // carl may still download what is stored about him; anna is gone.
  auto mine = privacy::ExportPersonalData(*store_, clock_, carl, "");
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->user.login, "carl");
  EXPECT_EQ(privacy::ExportPersonalData(*store_, clock_, carl, "admin")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(privacy::ExportPersonalData(*store_, clock_, staff_, "anna")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(PrivacyTest, TheDailyTaskRemovesProgramsNoJobReadsAnyMore) {
  const access::Actor anna = MakeUser("anna", store::kParticipant);
  const access::Actor carl = MakeUser("carl", store::kParticipant);
  const std::string jobs = dir_.File("jobs");
  std::filesystem::create_directories(jobs);
  auto program = [&](char c) {
    return absl::StrCat(jobs, "/", std::string(64, c), ".gcode");
  };
  int64_t running_id = 0;
  auto add_job = [&](const access::Actor& owner, char c, store::JobState st) {
    std::ofstream(program(c)) << "G28\n";
    ASSERT_TRUE(store_
                    ->Write([&](store::Transaction& tx) -> absl::Status {
                      store::JobRecord j;
                      j.machine_id = "laser-1";
                      j.owner_id = owner.user_id;
                      j.file_name = "x.gcode";
                      j.sha256 = std::string(64, c);
                      j.state = st;
                      j.created_at = clock_.Now();
                      auto id = tx.InsertJob(j);
                      if (!id.ok()) return id.status();
                      if (st == store::JobState::kRunning) running_id = *id;
                      return absl::OkStatus();
                    })
                    .ok());
  };
  add_job(anna, 'a', store::JobState::kCompleted);
  add_job(anna, 'b', store::JobState::kRunning);
  add_job(carl, 'c', store::JobState::kUploaded);
  // A program that cannot be removed (here: a folder in its place).
  std::filesystem::create_directories(program('d') + "/stuck");
  add_job(anna, 'e', store::JobState::kRejected);
  std::filesystem::remove(program('e'));
  std::filesystem::create_directories(program('e') + "/stuck");

  auto done = anonymiser_->AnonymiseNow(staff_, "anna", "");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->program_files_removed, 1);
  EXPECT_FALSE(std::filesystem::exists(program('a')));
  EXPECT_TRUE(std::filesystem::exists(program('b'))) << "still running";
  EXPECT_TRUE(std::filesystem::exists(program('c'))) << "carl's";
  auto left = store_->Read([&](store::Transaction& tx) -> absl::Status {
    auto events = tx.ListAudit(0, 1000, "jobs");
    if (!events.ok()) return events.status();
    bool named = false;
    for (const auto& e : *events) {
      named |= e.action == "privacy.program_left" &&
               absl::StrContains(e.detail, std::string(64, 'e'));
    }
    return named ? absl::OkStatus() : absl::NotFoundError("no event");
  });
  EXPECT_TRUE(left.ok()) << "the file that is left is named in the audit log";

  // The job ends; the next daily task takes its program.
  ASSERT_TRUE(store_
                  ->Write([&](store::Transaction& tx) -> absl::Status {
                    auto j = tx.FindJob(running_id);
                    if (!j.ok()) return j.status();
                    store::JobRecord ended = **j;
                    ended.state = store::JobState::kCompleted;
                    ended.finished_at = clock_.Now();
                    return tx.UpdateJob(ended);
                  })
                  .ok());
  std::filesystem::remove_all(program('e'));
  ASSERT_TRUE(anonymiser_->AnonymiseInactive().ok());
  EXPECT_FALSE(std::filesystem::exists(program('b')));
  EXPECT_TRUE(std::filesystem::exists(program('c')));
  EXPECT_TRUE(std::filesystem::exists(program('d') + "/stuck"))
      << "no record names it";
}

}  // namespace
}  // namespace werkbank::testing
