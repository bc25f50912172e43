// The G-code tokenizer, analysis and preflight on real-world-shaped files:
// slicer output for a printer, LightBurn-style laser output with M4 and S
// values, and malformed or unsafe files, each violation with its line number.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "drivers/gcode/analysis.h"
#include "drivers/gcode/line.h"

namespace werkbank::gcode {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;

std::string Load(const std::string& name) {
  std::ifstream in(std::string(WERKBANK_SOURCE_DIR "/tests/data/gcode/") +
                   name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

MachineLimits Printer() {
  MachineLimits l;
  l.flavor = Flavor::kMarlin;
  l.envelope_mm = {250, 210, 210};
  l.max_hotend_c = 280;
  l.max_bed_c = 110;
  return l;
}

MachineLimits Laser() {
  MachineLimits l;
  l.flavor = Flavor::kGrbl;
  l.envelope_mm = {600, 400, 0};
  l.max_laser_power = 1000;
  l.laser_m4_only = true;
  l.acceleration_mm_s2 = 500;
  return l;
}

TEST(GcodeTokenizer, CommentsCaseWhitespaceAndFields) {
  Line l = ParseLine("n12 g01x10.5 y-3 (move) f1200 ; go*71", 4);
  EXPECT_TRUE(l.error.empty()) << l.error;
  EXPECT_EQ(l.source_line, 4);
  EXPECT_EQ(l.n, 12);
  EXPECT_EQ(l.command, "G1");
  EXPECT_EQ(l.code, "G1 X10.5 Y-3 F1200");
  EXPECT_EQ(l.Get('Y'), -3);
  EXPECT_EQ(ParseLine("%", 1).code, "");
  EXPECT_EQ(ParseLine("   ; only a comment", 1).code, "");
  EXPECT_EQ(ParseLine("M117 Layer 1 done", 1).code, "M117 Layer 1 done");
  EXPECT_EQ(ParseLine("X5 Y5", 1).command, "");
  EXPECT_THAT(ParseLine(std::string(300, 'G'), 1).error,
              HasSubstr("at most 256"));
  EXPECT_THAT(ParseLine("G1 X10 Y10 Q", 1).error,
              HasSubstr("Q needs a number"));
  EXPECT_THAT(ParseLine("G1 (open", 1).error, HasSubstr("not closed"));
  EXPECT_THAT(ParseLine("G1 X1 #5", 1).error,
              HasSubstr("unexpected character '#'"));
}

TEST(GcodeAnalysis, SlicerOutputForAPrinter) {
  Analysis a = Analyze(ParseProgram(Load("benchy_slice.gcode")), Printer());
  EXPECT_TRUE(a.passed()) << a.violations.front().message;
  EXPECT_EQ(a.line_count, 30);
  EXPECT_DOUBLE_EQ(a.max_hotend_c, 215);
  EXPECT_DOUBLE_EQ(a.max_bed_c, 60);
  EXPECT_NEAR(a.min[0], 0, 1e-9);  // G28 homes to 0
  EXPECT_NEAR(a.max[0], 150.5, 1e-6);
  EXPECT_NEAR(a.max[1], 145.2, 1e-6);
  EXPECT_NEAR(a.max[2], 10, 1e-9);
  EXPECT_GT(a.estimated_seconds, 120);  // two heat-up waits dominate
  EXPECT_LT(a.estimated_seconds, 200);
  EXPECT_THAT(a.commands, Contains("M109"));
}

TEST(GcodeAnalysis, LaserOutputWithM4AndPower) {
  Analysis a = Analyze(ParseProgram(Load("nameplate_laser.gcode")), Laser());
  EXPECT_TRUE(a.passed()) << a.violations.front().message;
  EXPECT_DOUBLE_EQ(a.max_laser_power, 800);
  EXPECT_DOUBLE_EQ(a.min_laser_power, 0);
  // The 50 x 30 rectangle (160 mm) and the half circle (pi * 5 mm) are cut.
  EXPECT_NEAR(a.laser_on_distance_mm, 160 + 3.14159265 * 5, 0.01);
  EXPECT_NEAR(a.max[0], 60, 1e-9);
  EXPECT_NEAR(a.max[1], 40, 1e-9);
}

TEST(GcodeAnalysis, ArcBoundingBoxIncludesTheBulge) {
  // A half circle from (10,10) to (30,10) around (20,10), clockwise: bulges to
  // y=20.
  Analysis a = Analyze(
      ParseProgram("G90\nG0 X10 Y10\nG2 X30 Y10 I10 J0 F600\n"), Printer());
  EXPECT_NEAR(a.max[1], 20, 0.05);
  EXPECT_NEAR(a.min[1], 10, 1e-9);
}

TEST(GcodeAnalysis, RelativeInchesAndG92) {
  Analysis a =
      Analyze(ParseProgram("G21 G90\nG0 X100 Y100\nG92 X0 Y0\nG1 X10 F600\n"
                           "G91\nG20\nG1 Y1\n"),
              Printer());
  EXPECT_TRUE(a.passed());
  EXPECT_NEAR(a.max[0], 110, 1e-9);    // X10 after G92 is machine 110
  EXPECT_NEAR(a.max[1], 125.4, 1e-9);  // one inch up, relative
}

TEST(GcodePreflight, EveryViolationWithItsLineNumber) {
  Analysis a =
      Analyze(ParseProgram(Load("too_hot_and_outside.gcode")), Printer());
  ASSERT_FALSE(a.passed());
  auto has = [&](int64_t line, const std::string& rule,
                 const std::string& text) {
    return Contains(AllOf(Field(&Violation::line, line),
                          Field(&Violation::rule, rule),
                          Field(&Violation::message, HasSubstr(text))));
  };
  EXPECT_THAT(a.violations, has(3, "temperature", "hotend 320 °C is above"));
  EXPECT_THAT(a.violations, has(4, "temperature", "bed 130 °C"));
  EXPECT_THAT(a.violations, has(5, "envelope", "X 300.000 mm is outside"));
  EXPECT_THAT(a.violations, has(6, "envelope", "Y -5.000 mm"));
  EXPECT_THAT(a.violations, has(7, "forbidden", "M500"));
  EXPECT_THAT(a.violations, has(8, "syntax", "Q needs a number"));
  EXPECT_THAT(a.violations, has(9, "syntax", "not closed"));
  EXPECT_THAT(a.violations, has(10, "unknown", "M999"));
  EXPECT_EQ(a.violations.size(), 8u);
}

TEST(GcodePreflight, LaserLimits) {
  Analysis a = Analyze(ParseProgram(Load("laser_unsafe.gcode")), Laser());
  auto rules = [&](int64_t line) {
    std::vector<std::string> out;
    for (const auto& v : a.violations) {
      if (v.line == line) out.push_back(v.rule);
    }
    return out;
  };
  EXPECT_THAT(rules(1), Contains("forbidden"));  // $32=0
  EXPECT_THAT(rules(2),
              ::testing::ElementsAre("forbidden", "power"));  // M3, S1200
  EXPECT_THAT(rules(3), Contains("envelope"));                // X700
  EXPECT_TRUE(rules(5).empty());  // 1 inch is inside
}

}  // namespace
}  // namespace werkbank::gcode

namespace werkbank::gcode {
namespace {

// Found by the fuzzer: a line number beyond any integer was undefined
// behaviour when converted.
TEST(GcodeTokenizer, HugeNumbersAreRefusedNotConverted) {
  EXPECT_THAT(ParseLine("N100000000000000000000000000000 G1", 1).error,
              HasSubstr("out of range"));
  EXPECT_THAT(ParseLine("G1 X" + std::string(40, '9'), 1).error,
              HasSubstr("out of range"));
  EXPECT_TRUE(ParseLine("G1 X999999", 1).error.empty());
}

}  // namespace
}  // namespace werkbank::gcode
