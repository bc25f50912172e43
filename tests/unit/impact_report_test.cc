// SPDX-License-Identifier: EUPL-1.2
// The impact report over a real SQLite store hides what would give a small
// group away and nothing a funder needs besides: the year of the browser
// test (a school class of 12, citizens in two visits, a club of 3) keeps
// the school class's 12 and shows the club as "<5", wherever in the year
// the citizens' second visit falls.
#include "services/reports/impact_report.h"

#include <gtest/gtest.h>

#include "domain_fixture.h"
#include "services/visits/visit_log.h"

namespace werkbank::testing {
namespace {

class ImpactReportTest : public DomainTest,
                         public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    DomainTest::SetUp();
    clock_.Set(Local("2026-12-07 12:00"));
    visits_ = std::make_unique<visits::VisitLog>(*store_, clock_, config_);
    impact_ =
        std::make_unique<reports::ImpactReports>(*store_, clock_, config_);
  }

  void Record(const std::string& when, const std::string& group, int people,
              int first_timers) {
    store::VisitRecord v;
    v.start = Local(when);
    v.duration_minutes = 60;
    v.group_type = group;
    v.head_count = people;
    v.age_bands = {0, 0, 0, 0, 0, people};  // not stated
    v.first_timers = first_timers;
    auto r = visits_->Record(staff_, v);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  std::unique_ptr<visits::VisitLog> visits_;
  std::unique_ptr<reports::ImpactReports> impact_;
};

const reports::Grid& Table(const reports::ImpactReport& r,
                           const std::string& name) {
  for (const reports::Grid& g : r.tables) {
    if (g.name == name) return g;
  }
  ADD_FAILURE() << "no table " << name;
  return r.tables.front();
}

const reports::Cell& At(const reports::Grid& g, const std::string& row,
                        const std::string& column) {
  const size_t i =
      std::find(g.row_keys.begin(), g.row_keys.end(), row) - g.row_keys.begin();
  const size_t j =
      std::find(g.column_keys.begin(), g.column_keys.end(), column) -
      g.column_keys.begin();
  EXPECT_LT(i, g.row_keys.size()) << row;
  EXPECT_LT(j, g.column_keys.size()) << column;
  return g.cells[i][j];
}

TEST_P(ImpactReportTest, TheSchoolClassStaysShownAndTheClubIsUnderFive) {
  Record("2026-06-15 15:00", "school_class", 12, 4);
  Record(GetParam(), "citizens", 3, 0);  // a workshop recorded as a visit
  Record("2026-06-16 15:00", "citizens", 5, 0);
  Record("2026-06-16 15:00", "club", 3, 0);

  auto report = impact_->Year(staff_, 2026);
  ASSERT_TRUE(report.ok()) << report.status();
  const reports::Grid& by_group = Table(*report, "visits_by_group");
  const reports::Cell& school = At(by_group, "school_class", "people");
  EXPECT_FALSE(school.suppressed) << "the school class's 12 is hidden";
  EXPECT_EQ(school.value, 12);
  const reports::Cell& club = At(by_group, "club", "people");
  EXPECT_TRUE(club.suppressed && club.primary) << "the club is not \"<5\"";
  EXPECT_FALSE(At(by_group, "total", "people").suppressed);
  // The club's figure is hidden wherever it stands.
  EXPECT_TRUE(At(Table(*report, "people_by_group_and_month"), "club", "total")
                  .suppressed);
  EXPECT_TRUE(
      At(Table(*report, "people_by_age_band"), "total", "club").suppressed);
}

// The citizens' workshop the day after the browser test runs: in another
// month, in the same month as the other visits, or in the next year.
INSTANTIATE_TEST_SUITE_P(WorkshopDay, ImpactReportTest,
                         ::testing::Values("2026-12-08 10:00",
                                           "2026-06-17 10:00",
                                           "2027-01-01 10:00"));

}  // namespace
}  // namespace werkbank::testing
