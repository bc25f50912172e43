// SPDX-License-Identifier: EUPL-1.2
// Opening hours in Europe/Berlin across the 2026 DST changes (2026-03-29 and
// 2026-10-25): 09:00-18:00 stays 09:00-18:00 on the wall clock.
#include "services/booking/opening_hours.h"

#include <gtest/gtest.h>

#include "services/config/config_loader.h"

namespace werkbank::booking {
namespace {

absl::Time Utc(const std::string& s) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%d %H:%M", s, &t, &err)) << err;
  return t;
}

OpeningHours Hours(const std::string& blocks) {
  auto cfg = config::ParseConfig("time_zone: \"Europe/Berlin\"\n" + blocks +
                                     "machine_classes { name: \"fdm\" }\n",
                                 "test");
  EXPECT_TRUE(cfg.ok()) << cfg.status();
  auto oh = OpeningHours::FromConfig(*cfg);
  EXPECT_TRUE(oh.ok());
  return *oh;
}

const char kDaily9To18[] =
    "opening_hours { days: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, "
    "SATURDAY, SUNDAY] open: \"09:00\" close: \"18:00\" }\n";

TEST(OpeningHours, SpringForwardKeepsWallClockHours) {
  OpeningHours oh = Hours(kDaily9To18);
  // Saturday 2026-03-28 is CET (UTC+1), Sunday 2026-03-29 is CEST (UTC+2).
  auto sat = oh.OpenIntervals(Utc("2026-03-28 00:00"), Utc("2026-03-29 00:00"));
  ASSERT_EQ(sat.size(), 1u);
  EXPECT_EQ(sat[0].first, Utc("2026-03-28 08:00"));
  EXPECT_EQ(sat[0].second, Utc("2026-03-28 17:00"));
  auto sun = oh.OpenIntervals(Utc("2026-03-29 00:00"), Utc("2026-03-30 00:00"));
  ASSERT_EQ(sun.size(), 1u);
  EXPECT_EQ(sun[0].first, Utc("2026-03-29 07:00"));
  EXPECT_EQ(sun[0].second, Utc("2026-03-29 16:00"));
}

TEST(OpeningHours, FallBackKeepsWallClockHours) {
  OpeningHours oh = Hours(kDaily9To18);
  auto sat = oh.OpenIntervals(Utc("2026-10-24 00:00"), Utc("2026-10-25 00:00"));
  ASSERT_EQ(sat.size(), 1u);
  EXPECT_EQ(sat[0].first, Utc("2026-10-24 07:00"));  // CEST
  auto sun = oh.OpenIntervals(Utc("2026-10-25 00:00"), Utc("2026-10-26 00:00"));
  ASSERT_EQ(sun.size(), 1u);
  EXPECT_EQ(sun[0].first, Utc("2026-10-25 08:00"));  // CET
  EXPECT_EQ(sun[0].second, Utc("2026-10-25 17:00"));
}

TEST(OpeningHours, CoversOnlyInsideOpenTimeOnDstDay) {
  OpeningHours oh = Hours(kDaily9To18);
  // 09:00-10:00 CEST on 2026-03-29 is 07:00-08:00 UTC.
  EXPECT_TRUE(oh.Covers(Utc("2026-03-29 07:00"), Utc("2026-03-29 08:00")));
  // 08:00-09:00 CEST: before opening, although 08:00 UTC-wise would be open in
  // winter.
  EXPECT_FALSE(oh.Covers(Utc("2026-03-29 06:00"), Utc("2026-03-29 07:00")));
  EXPECT_FALSE(oh.Covers(Utc("2026-03-29 15:30"), Utc("2026-03-29 16:30")));
  EXPECT_EQ(oh.LocalMinuteOfDay(Utc("2026-03-29 07:00")), 9 * 60);
  EXPECT_EQ(oh.LocalMinuteOfDay(Utc("2026-03-28 07:00")), 8 * 60);
}

TEST(OpeningHours, ClosedDaysHaveNoIntervals) {
  OpeningHours oh = Hours(
      "opening_hours { days: [MONDAY] open: \"09:00\" close: \"12:00\" }\n"
      "opening_hours { days: [MONDAY] open: \"13:00\" close: \"18:00\" }\n");
  // 2026-11-30 is a Monday; 2026-12-01 a Tuesday.
  auto mon = oh.OpenIntervals(Utc("2026-11-30 00:00"), Utc("2026-12-01 00:00"));
  ASSERT_EQ(mon.size(), 2u);
  EXPECT_EQ(mon[0].second, Utc("2026-11-30 11:00"));
  EXPECT_EQ(mon[1].first, Utc("2026-11-30 12:00"));
  EXPECT_FALSE(oh.Covers(Utc("2026-11-30 10:30"), Utc("2026-11-30 12:30")));
  EXPECT_TRUE(oh.OpenIntervals(Utc("2026-12-01 00:00"), Utc("2026-12-02 00:00"))
                  .empty());
}

TEST(OpeningHours, TouchingIntervalsMergeAcrossMidnight) {
  OpeningHours oh = Hours(
      "opening_hours { days: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, "
      "SATURDAY, SUNDAY] open: \"00:00\" close: \"24:00\" }\n");
  EXPECT_TRUE(oh.Covers(Utc("2026-11-30 22:00"), Utc("2026-12-01 01:00")));
  // The 25-hour day of 2026-10-25 is one piece too.
  EXPECT_TRUE(oh.Covers(Utc("2026-10-24 20:00"), Utc("2026-10-26 04:00")));
}

TEST(OpeningHours, SkippedHourStartsAtTheChange) {
  // 02:00-04:00 local on 2026-03-29: 02:00-03:00 does not exist, so the lab
  // is open from the change (01:00 UTC) to 04:00 CEST (02:00 UTC).
  OpeningHours oh = Hours(
      "opening_hours { days: [SUNDAY] open: \"02:00\" close: \"04:00\" }\n");
  auto iv = oh.OpenIntervals(Utc("2026-03-29 00:00"), Utc("2026-03-30 00:00"));
  ASSERT_EQ(iv.size(), 1u);
  EXPECT_EQ(iv[0].first, Utc("2026-03-29 01:00"));
  EXPECT_EQ(iv[0].second, Utc("2026-03-29 02:00"));
}

TEST(OpeningHours, FormatsInLocalTime) {
  OpeningHours oh = Hours(kDaily9To18);
  EXPECT_EQ(oh.FormatLocal(Utc("2026-03-29 07:00")), "2026-03-29 09:00 CEST");
  EXPECT_EQ(oh.FormatLocal(Utc("2026-11-30 09:00")), "2026-11-30 10:00 CET");
}

}  // namespace
}  // namespace werkbank::booking
