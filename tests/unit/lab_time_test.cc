// SPDX-License-Identifier: EUPL-1.2
// The CLI reads and writes times in the lab's zone, DST included.
#include "lab_time.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace werkbank::cli {
namespace {

using ::testing::HasSubstr;

class LabTimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = LabTime::ForZone("Europe/Berlin");
    ASSERT_TRUE(t.ok());
    berlin_ = *t;
  }
  LabTime berlin_;
};

TEST_F(LabTimeTest, LocalWinterAndSummerTime) {
  EXPECT_EQ(absl::ToUnixSeconds(*berlin_.Parse("2026-11-27 10:00")),
            absl::ToUnixSeconds(absl::FromCivil(
                absl::CivilMinute(2026, 11, 27, 9, 0), absl::UTCTimeZone())));
  EXPECT_EQ(absl::ToUnixSeconds(*berlin_.Parse("2026-07-01T10:00")),
            absl::ToUnixSeconds(absl::FromCivil(
                absl::CivilMinute(2026, 7, 1, 8, 0), absl::UTCTimeZone())));
}

TEST_F(LabTimeTest, IsoWithOffset) {
  EXPECT_EQ(*berlin_.Parse("2026-11-27T09:00Z"),
            *berlin_.Parse("2026-11-27 10:00"));
  EXPECT_EQ(*berlin_.Parse("2026-11-27T12:00+03:00"),
            *berlin_.Parse("2026-11-27 10:00"));
}

TEST_F(LabTimeTest, SkippedAndRepeatedLocalTimesNeedCare) {
  auto skipped = berlin_.Parse("2026-03-29 02:30");
  ASSERT_FALSE(skipped.ok());
  EXPECT_THAT(std::string(skipped.status().message()),
              HasSubstr("does not exist"));
  auto twice = berlin_.Parse("2026-10-25 02:30");
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(std::string(twice.status().message()),
              HasSubstr("happens twice"));
  EXPECT_TRUE(berlin_.Parse("2026-10-25T02:30+02:00").ok());
}

TEST_F(LabTimeTest, Garbage) {
  EXPECT_FALSE(berlin_.Parse("tomorrow").ok());
  EXPECT_FALSE(berlin_.Parse("2026-02-30 10:00").ok());
  EXPECT_FALSE(berlin_.Parse("2026-01-01 25:00").ok());
  EXPECT_FALSE(LabTime::ForZone("Mars/Olympus").ok());
}

TEST_F(LabTimeTest, Formats) {
  absl::Time t = *berlin_.Parse("2026-03-29 09:00");
  EXPECT_EQ(berlin_.Format(t), "Sun 2026-03-29 09:00 CEST");
  EXPECT_EQ(berlin_.FormatClock(t), "09:00");
  EXPECT_EQ(berlin_.StartOfDay(t), *berlin_.Parse("2026-03-29 00:00"));
}

TEST_F(LabTimeTest, SpansOnOneDayShowTheEndsClockOnly) {
  EXPECT_EQ(berlin_.FormatSpan(*berlin_.Parse("2026-11-27 10:00"),
                               *berlin_.Parse("2026-11-27 12:00")),
            "Fri 2026-11-27 10:00 CET - 12:00");
  EXPECT_EQ(berlin_.FormatSpan(*berlin_.Parse("2026-11-27 22:00"),
                               *berlin_.Parse("2026-11-28 01:00")),
            "Fri 2026-11-27 22:00 CET - Sat 2026-11-28 01:00 CET");
}

// In the autumn hour that happens twice, 02:30 CEST to 02:00 CET is half an
// hour forward; with the offsets shown it no longer reads as going back.
TEST_F(LabTimeTest, ASpanAcrossTheAutumnChangeShowsBothOffsets) {
  const std::string span =
      berlin_.FormatSpan(*berlin_.Parse("2026-10-25T02:30+02:00"),
                         *berlin_.Parse("2026-10-25T02:00+01:00"));
  EXPECT_EQ(span, "Sun 2026-10-25 02:30 CEST (+02:00) - 02:00 CET (+01:00)");
}

}  // namespace
}  // namespace werkbank::cli
