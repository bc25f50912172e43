// SPDX-License-Identifier: EUPL-1.2
// Marlin's settings report (M503) as real firmwares print it: Marlin 2 with
// headings and two spaces, Marlin 1.1 with one, bare lines, Marlin 1.0's
// M204 S/T, a report in inches, and the answers that report nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "drivers/marlin/settings_report.h"

namespace werkbank::marlin {
namespace {

SettingsReport Read(const std::vector<std::string>& lines) {
  SettingsReport r;
  for (const std::string& l : lines) r.OnLine(l);
  return r;
}

TEST(MarlinSettings, Marlin2ReportGivesRatesInMmPerMinuteAndAccelerations) {
  const SettingsReport r = Read({
      "echo:; Linear Units:",
      "echo:  G21 ; (mm)",
      "echo:; Steps per unit:",
      "echo:  M92 X80.00 Y80.00 Z400.00 E93.00",
      "echo:; Maximum feedrates (units/s):",
      "echo:  M203 X300.00 Y250.00 Z5.00 E25.00",
      "echo:; Maximum Acceleration (units/s2):",
      "echo:  M201 X3000.00 Y2000.00 Z100.00 E10000.00",
      "echo:; Acceleration (units/s2) (P<print-accel> R<retract-accel> "
      "T<travel-accel>):",
      "echo:  M204 P1250.00 R1000.00 T1500.00",
      "echo:  M205 B20000.00 S0.00 T0.00 J0.013",
  });
  ASSERT_TRUE(r.found());
  const stream::MotionSettings& m = r.settings();
  EXPECT_EQ(m.max_rate_mm_min[0], 18000);  // 300 mm/s
  EXPECT_EQ(m.max_rate_mm_min[1], 15000);
  EXPECT_EQ(m.max_rate_mm_min[2], 300);
  EXPECT_EQ(m.acceleration_mm_s2[0], 3000);
  EXPECT_EQ(m.acceleration_mm_s2[1], 2000);
  EXPECT_EQ(m.acceleration_mm_s2[2], 100);
  EXPECT_EQ(m.print_acceleration_mm_s2, 1250);
  EXPECT_EQ(m.travel_acceleration_mm_s2, 1500);  // not R, the retract
}

TEST(MarlinSettings, OneSpaceNoEchoAndOldHeadingsReadAlike) {
  for (const char* prefix : {"echo: ", "echo:  ", "", "  ", "ECHO:"}) {
    SCOPED_TRACE(std::string("prefix \"") + prefix + "\"");
    const std::string p = prefix;
    const SettingsReport r = Read({
        "echo:Maximum feedrates (units/s):",
        p + "M203 X500.00 Y500.00 Z12.00 E120.00",
        "echo:Maximum Acceleration (units/s2):",
        p + "M201 X2000 Y1000 Z50 E10000",
        "echo:Acceleration (units/s2): P<print_accel> R<retract_accel> "
        "T<travel_accel>",
        p + "M204 P1000.00 R3000.00 T1000.00",
    });
    ASSERT_TRUE(r.found());
    EXPECT_EQ(r.settings().max_rate_mm_min[0], 30000);
    EXPECT_EQ(r.settings().max_rate_mm_min[2], 720);
    EXPECT_EQ(r.settings().acceleration_mm_s2[1], 1000);
    EXPECT_EQ(r.settings().acceleration_mm_s2[2], 50);
    EXPECT_EQ(r.settings().print_acceleration_mm_s2, 1000);
    EXPECT_EQ(r.settings().travel_acceleration_mm_s2, 1000);
  }
}

TEST(MarlinSettings, Marlin10AccelerationSIsForEveryMoveAndTIsTheRetract) {
  const SettingsReport r = Read({"echo: M204 S2500.00 T3000.00"});
  EXPECT_EQ(r.settings().print_acceleration_mm_s2, 2500);
  EXPECT_EQ(r.settings().travel_acceleration_mm_s2, 2500);
}

TEST(MarlinSettings, AReportInInchesIsConvertedToMillimetres) {
  const SettingsReport r =
      Read({"echo:  G20 ; (in)", "echo:  M203 X10.00 Y10.00 Z0.20 E1.00",
            "echo:  M201 X100.00 Y100.00 Z4.00"});
  EXPECT_NEAR(*r.settings().max_rate_mm_min[0], 10 * 25.4 * 60, 1e-9);
  EXPECT_NEAR(*r.settings().acceleration_mm_s2[2], 4 * 25.4, 1e-9);
}

TEST(MarlinSettings, ExtruderLinesHeadingsAndOtherAnswersCarryNothing) {
  const SettingsReport r = Read({
      "echo:Unknown command: \"M503\"",
      "echo:; Maximum feedrates (units/s):",
      "echo:  M203 T0 E25.00",  // per extruder: no axis of the estimate
      "echo:  M92 X80.00 Y80.00 Z400.00",
      "FIRMWARE_NAME:Marlin 2.1.2 (Jan 1 2024) SOURCE_CODE_URL:x",
      "Cap:AUTOREPORT_TEMP:1",
      " T:21.30 /0.00 B:20.10 /0.00 @:0 B@:0",
      "echo:  M203 X-5 Yabc Z0",  // not positive numbers
      "echo:  M204",
  });
  EXPECT_FALSE(r.found());
  EXPECT_FALSE(r.settings().max_rate_mm_min[0].has_value());
  EXPECT_FALSE(r.settings().print_acceleration_mm_s2.has_value());
}

TEST(MarlinSettings, AnAxisTheReportLeavesOutStaysUnset) {
  const SettingsReport r = Read({"echo:  M203 X200.00 Y200.00 E25.00"});
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.settings().max_rate_mm_min[1], 12000);
  EXPECT_FALSE(r.settings().max_rate_mm_min[2].has_value());
}

}  // namespace
}  // namespace werkbank::marlin
