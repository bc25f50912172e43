// SPDX-License-Identifier: EUPL-1.2
// Briefings grant qualifications that expire and can be revoked by staff or
// the granting trainer only.
#include "services/access/trainings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain_fixture.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;

class TrainingsTest : public DomainTest {
 protected:
  void SetUp() override {
    DomainTest::SetUp();
    tina_ = MakeUser("tina", store::kTrainer);
    theo_ = MakeUser("theo", store::kTrainer);
    anna_ = MakeUser("anna", store::kParticipant);
  }
  absl::Status Qualified(const access::Actor& who, const std::string& cls) {
    return store_->Read([&](store::Transaction& tx) {
      return access::CheckQualified(tx, who.user_id, cls, clock_.Now());
    });
  }
  access::Actor tina_, theo_, anna_;
};

TEST_F(TrainingsTest, BriefingQualifiesUntilExpiry) {
  EXPECT_THAT(std::string(Qualified(anna_, "laser").message()),
              HasSubstr("not qualified"));
  Brief(tina_, "laser", "anna");
  EXPECT_TRUE(Qualified(anna_, "laser").ok());
  EXPECT_FALSE(Qualified(anna_, "fdm").ok());
  clock_.Advance(absl::Hours(24 * 30) - absl::Seconds(1));
  EXPECT_TRUE(Qualified(anna_, "laser").ok());
  clock_.Advance(absl::Seconds(1));
  EXPECT_THAT(std::string(Qualified(anna_, "laser").message()),
              HasSubstr("expired on 2026-04-26"));
}

TEST_F(TrainingsTest, OnlyStaffOrTheGrantingTrainerRevoke) {
  Brief(tina_, "laser", "anna");
  auto quals = trainings_->ListQualifications(anna_, "", false);
  ASSERT_TRUE(quals.ok());
  ASSERT_EQ(quals->size(), 1u);
  const int64_t id = quals->front().record.id;
  EXPECT_EQ(trainings_->RevokeQualification(theo_, id, "x").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(trainings_->RevokeQualification(tina_, id, "").status().code(),
            absl::StatusCode::kInvalidArgument);  // a reason is required
  ASSERT_TRUE(trainings_->RevokeQualification(tina_, id, "no goggles").ok());
  EXPECT_FALSE(Qualified(anna_, "laser").ok());
  auto all = trainings_->ListQualifications(anna_, "", true);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->front().record.revoked_at.has_value());
  EXPECT_FALSE(all->front().valid);
}

TEST_F(TrainingsTest, ParticipantsSeeOnlyTheirOwn) {
  MakeUser("bob", store::kParticipant);
  EXPECT_EQ(trainings_->ListQualifications(anna_, "bob", false).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(trainings_->ListQualifications(tina_, "bob", false).ok());
  EXPECT_EQ(
      trainings_->RecordBriefing(anna_, {"laser", std::nullopt, {"bob"}, ""})
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
}

TEST_F(TrainingsTest, BriefingInputIsChecked) {
  EXPECT_EQ(
      trainings_->RecordBriefing(tina_, {"lazer", std::nullopt, {"anna"}, ""})
          .status()
          .code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(
      trainings_->RecordBriefing(tina_, {"laser", std::nullopt, {"ghost"}, ""})
          .status()
          .code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(
      trainings_
          ->RecordBriefing(
              tina_, {"laser", clock_.Now() + absl::Hours(2), {"anna"}, ""})
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(trainings_->RecordBriefing(tina_, {"laser", std::nullopt, {}, ""})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace werkbank::testing
