// SPDX-License-Identifier: EUPL-1.2
// iCalendar details: escaping and folding of long lines.
#include "services/reports/calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"

namespace werkbank::reports {
namespace {

TEST(Calendar, EscapesText) {
  EXPECT_EQ(EscapeText("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
}

TEST(Calendar, FoldsLongLinesWithoutSplittingCharacters) {
  booking::ReservationView v;
  v.record.id = 1;
  v.record.machine_id = "laser-1";
  v.record.start = absl::FromUnixSeconds(1790000000);
  v.record.end = v.record.start + absl::Hours(1);
  v.owner_login = "anna";
  v.record.note = std::string(40, 'x') + "äöüäöüäöüäöüäöüäöüäöüäöüäöüäöüäöü" +
                  std::string(100, 'y');
  const std::string ics =
      ToIcs({v}, "StadtLABOR", "Europe/Berlin", v.record.start);
  std::string unfolded;
  for (absl::string_view line : absl::StrSplit(ics, "\r\n")) {
    EXPECT_LE(line.size(), 75u);
    if (!line.empty() && line[0] == ' ') {
      unfolded += std::string(line.substr(1));
    } else {
      unfolded += "\n" + std::string(line);
    }
  }
  EXPECT_THAT(unfolded,
              ::testing::HasSubstr("äöüäöüäöüäöüäöüäöüäöüäöüäöüäöüäöü"));
  EXPECT_THAT(unfolded, ::testing::HasSubstr("DTSTART:20260921T"));
}

}  // namespace
}  // namespace werkbank::reports
