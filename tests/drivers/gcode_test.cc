// SPDX-License-Identifier: EUPL-1.2
// The G-code tokenizer, analysis and preflight on real-world-shaped files:
// slicer output for a printer, LightBurn-style laser output with M4 and S
// values, and malformed or unsafe files, each violation with its line number.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "drivers/gcode/analysis.h"
#include "drivers/gcode/line.h"
#include "drivers/gcode/line_splitter.h"

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
  l.motion.max_rate_mm_min = {12000, 12000, 600};
  l.motion.acceleration_mm_s2 = {500, 500, 100};
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
  // 1 inch is inside, but the way back from X700 with the beam on at F1000
  // takes 40 s.
  EXPECT_THAT(rules(5), ::testing::ElementsAre("beam"));
}

// A laser has no touch probe: G38.x would drive the head until an alarm.
TEST(GcodePreflight, ProbingIsRefusedOnALaser) {
  Analysis a =
      Analyze(ParseProgram("G21 G90\nG38.2 Z-5 F100\nG38.3 X5\n"), Laser());
  ASSERT_EQ(a.violations.size(), 2u);
  EXPECT_EQ(a.violations[0].line, 2);
  EXPECT_EQ(a.violations[0].rule, "forbidden");
  EXPECT_THAT(a.violations[0].message, HasSubstr("G38.2 probes"));
  EXPECT_THAT(a.violations[1].message, HasSubstr("G38.3 probes"));
}

// A move with the beam on may not outlast the bound (5 s unless configured):
// a host that dies mid-move leaves the beam on until the firmware finishes.
TEST(GcodePreflight, ABeamOnMoveLongerThanTheBoundIsRefused) {
  // 290 mm at F600 (10 mm/s) takes 29 s.
  const std::string cut = "G21 G90\nM4 S500\nG1 X290 Y0 F600\nM5\n";
  Analysis a = Analyze(ParseProgram(cut), Laser());
  ASSERT_EQ(a.violations.size(), 1u);
  EXPECT_EQ(a.violations[0].line, 3);
  EXPECT_EQ(a.violations[0].rule, "beam");
  EXPECT_THAT(a.violations[0].message,
              HasSubstr("the beam is on for about 29.0 s in this 290 mm move"));
  // 10 mm/s for 5 s less the ramps at 500 mm/s².
  EXPECT_THAT(a.violations[0].message,
              HasSubstr("split it into moves of at most 49 mm"));

  // The same path in 49 mm pieces, with the beam off, or as a rapid passes.
  std::string split = "G21 G90\nM4 S500\nF600\n";
  for (int x = 49; x < 290; x += 49) absl::StrAppend(&split, "G1 X", x, "\n");
  split += "G1 X290\nM5\n";
  EXPECT_TRUE(Analyze(ParseProgram(split), Laser()).passed());
  EXPECT_TRUE(
      Analyze(ParseProgram("M4 S0\nG1 X290 F600\nM5\n"), Laser()).passed());
  EXPECT_TRUE(Analyze(ParseProgram("M5\nG1 X290 F600\n"), Laser()).passed());
  EXPECT_TRUE(
      Analyze(ParseProgram("M4 S500\nG0 X290\nM5\n"), Laser()).passed());
  MachineLimits patient = Laser();
  patient.max_beam_on_move_seconds = 30;
  EXPECT_TRUE(Analyze(ParseProgram(cut), patient).passed());
  // A printer has no beam.
  EXPECT_TRUE(
      Analyze(ParseProgram("M3 S500\nG1 X200 F60\n"), Printer()).passed());
}

// The estimate follows the firmware's planner: short moves in a line flow
// into each other at the feed rate instead of stopping after each one (the
// old estimate was 4-7 times too long for such programs).
TEST(GcodeEstimate, WithinTwentyPercentOfTheAnalyticTime) {
  MachineLimits m = Laser();  // 12000 mm/min, 500 mm/s²
  auto within = [](double estimate, double analytic) {
    return std::abs(estimate - analytic) <= 0.2 * analytic;
  };
  // 2000 moves of 1 mm along X at 50 mm/s: one ramp up, 2000 mm at 50 mm/s,
  // one ramp down.
  std::string line = "G21 G91\nM4 S300\nF3000\n";
  for (int i = 0; i < 2000; ++i) line += "G1 X0.25\n";
  m.envelope_mm = {0, 0, 0};
  double analytic = 500.0 / 50 + 50.0 / 500;
  double estimate = Analyze(ParseProgram(line), m).estimated_seconds;
  EXPECT_TRUE(within(estimate, analytic)) << estimate << " vs " << analytic;

  // A circle of radius 50 mm in 360 chords at 50 mm/s: the 1° corners are
  // taken at speed.
  std::string circle = "G21 G90\nG0 X100 Y50\nM4 S300\nF3000\n";
  for (int deg = 1; deg <= 360; ++deg) {
    const double rad = deg * 3.14159265358979 / 180;
    absl::StrAppend(&circle, "G1 X", 50 + 50 * std::cos(rad), " Y",
                    50 + 50 * std::sin(rad), "\n");
  }
  Analysis c = Analyze(ParseProgram(circle), m);
  // The rapid to the start: 111.8 mm at 200 mm/s with 400 mm/s² along it.
  const double rapid_a = 500 / (100 / std::hypot(100.0, 50.0));
  const double rapid = 111.803 / 200 + 200 / rapid_a;
  analytic = rapid + 314.159 / 50 + 50.0 / 500;
  EXPECT_TRUE(within(c.estimated_seconds, analytic))
      << c.estimated_seconds << " vs " << analytic;

  // A square of 100 mm sides: the 90° corners are nearly full stops.
  const std::string square =
      "G21 G90\nM4 S300\nF3000\nG1 X100\nG1 Y100\nG1 X0\nG1 Y0\nM5\n";
  analytic = 4 * (100.0 / 50 + 50.0 / 500);
  estimate = Analyze(ParseProgram(square), m).estimated_seconds;
  EXPECT_TRUE(within(estimate, analytic)) << estimate << " vs " << analytic;

  // A slow machine (GRBL's factory 500 mm/min) caps the programmed feed.
  MachineLimits factory = m;
  factory.motion.max_rate_mm_min = {500, 500, 500};
  factory.motion.acceleration_mm_s2 = {10, 10, 10};
  factory.max_beam_on_move_seconds = 1000;
  analytic = 500.0 / (500.0 / 60) + (500.0 / 60) / 10;
  estimate = Analyze(ParseProgram(line), factory).estimated_seconds;
  EXPECT_TRUE(within(estimate, analytic)) << estimate << " vs " << analytic;
}

// Marlin's M204: a move that extrudes accelerates at most at P, one that
// does not at T, and never beyond what its axes allow.
TEST(GcodeEstimate, MarlinMovesAccelerateAtM204WithinTheAxisLimits) {
  MachineLimits m;  // Marlin flavour
  m.motion.max_rate_mm_min = {18000, 18000, 300};
  m.motion.acceleration_mm_s2 = {3000, 3000, 100};
  m.motion.print_acceleration_mm_s2 = 500;
  m.motion.travel_acceleration_mm_s2 = 1000;
  // 100 mm at 50 mm/s: ramps of 50/500 s while printing, 50/1000 s travelling.
  const double print =
      Analyze(ParseProgram("G21 G90\nG1 X100 E5 F3000\n"), m).estimated_seconds;
  const double travel =
      Analyze(ParseProgram("G21 G90\nG1 X100 F3000\n"), m).estimated_seconds;
  EXPECT_NEAR(print, TrapezoidSeconds(100, 0, 0, 50, 500), 1e-6);
  EXPECT_NEAR(travel, TrapezoidSeconds(100, 0, 0, 50, 1000), 1e-6);
  // Z allows only 100 mm/s² whatever M204 says.
  const double z =
      Analyze(ParseProgram("G21 G90\nG1 Z4 F300\n"), m).estimated_seconds;
  EXPECT_NEAR(z, TrapezoidSeconds(4, 0, 0, 5, 100), 1e-6);
}

TEST(GcodeEstimate, OneMoveIsATrapezoidOrATriangle) {
  // 100 mm at 50 mm/s, 500 mm/s²: 2.5 mm ramps, 95 mm cruise.
  EXPECT_NEAR(TrapezoidSeconds(100, 0, 0, 50, 500), 2 * 0.1 + 95.0 / 50, 1e-9);
  // 2 mm never reaches 50 mm/s: a triangle peaking at sqrt(a * L).
  EXPECT_NEAR(TrapezoidSeconds(2, 0, 0, 50, 500), 2 * std::sqrt(2.0 / 500),
              1e-9);
  // Entered and left at full speed: the cruise only.
  EXPECT_NEAR(TrapezoidSeconds(10, 50, 50, 50, 500), 0.2, 1e-9);
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

// Numbers are written as "%.5f" without trailing zeros, also where the
// tokenizer copies a number that is already written that way.
TEST(GcodeTokenizer, NumbersAreWrittenOneWayWhateverTheirText) {
  auto reference = [](double v) {
    std::string t = absl::StrFormat("%.5f", v);
    while (t.back() == '0') t.pop_back();
    if (t.back() == '.') t.pop_back();
    return t == "-0" ? std::string("0") : t;
  };
  std::vector<std::string> texts = {"0",
                                    "-0",
                                    "00",
                                    "-0.0",
                                    "0.5",
                                    "-0.5",
                                    ".5",
                                    "-.5",
                                    "5.",
                                    "+5",
                                    "010",
                                    "1.50",
                                    "1.23456",
                                    "1.234567",
                                    "-0.00001",
                                    "0.000001",
                                    "999999999.99999",
                                    "123456789.5",
                                    "-999999999",
                                    "1000000000",
                                    "0.10000",
                                    "7.00000"};
  for (int i = 0; i < 2000; ++i) {
    texts.push_back(absl::StrCat(i % 3 ? "" : "-", (i * 7919) % 100000, ".",
                                 std::string(i % 4, '0'), (i * 31) % 1000));
  }
  for (const std::string& t : texts) {
    const Line l = ParseLine("G1 X" + t, 1);
    ASSERT_TRUE(l.error.empty()) << t << ": " << l.error;
    EXPECT_EQ(l.code, "G1 X" + reference(*l.Get('X'))) << t;
  }
}

// The lines a splitter makes of `text` cut into pieces of `piece` bytes.
std::vector<Line> Split(const std::string& text, size_t piece) {
  std::vector<Line> out;
  LineSplitter splitter;
  auto take = [&](const Line& l) { out.push_back(l); };
  for (size_t pos = 0; pos < text.size(); pos += piece)
    splitter.Add(absl::string_view(text).substr(pos, piece), take);
  splitter.Finish(take);
  return out;
}

TEST(GcodeLineSplitter, MakesTheLinesParseProgramMakesWhereverTheCutsFall) {
  const std::string text =
      absl::StrCat("G21 G90\r\n; comment\n\n%\nG1 X10 (x) Y5 F600\r\n",
                   std::string(300, 'G'), "\nG1 X", std::string(252, '1'), "\n",
                   "G1 X1 Y2\r\nM5");  // the last line has no newline
  const std::vector<Line> whole = ParseProgram(text);
  ASSERT_EQ(whole.size(), 9u);
  for (size_t piece : {1, 2, 3, 7, 64, 255, 256, 257, 4096}) {
    const std::vector<Line> split = Split(text, piece);
    ASSERT_EQ(split.size(), whole.size()) << "pieces of " << piece;
    for (size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(split[i].source_line, whole[i].source_line);
      EXPECT_EQ(split[i].code, whole[i].code) << "line " << i + 1;
      EXPECT_EQ(split[i].error, whole[i].error) << "line " << i + 1;
    }
  }
  EXPECT_THAT(Split(text, 5)[5].error, HasSubstr("300 characters long"));
  EXPECT_TRUE(Split("", 3).empty());
  EXPECT_EQ(Split("G0\n", 1).size(), 1u);
}

TEST(GcodeAnalyzer, LineByLineAgreesWithTheWholeProgram) {
  std::string cut = "G21 G90\nM4 S300\n";
  for (int i = 0; i < 5000; ++i) {
    absl::StrAppend(&cut, "G1 X", 10 + i % 50, " Y", 10 + (i / 50) % 50, " S",
                    100 + i % 700, " F3000\n");
  }
  absl::StrAppend(&cut, "G0 X900\nM5\n");
  const Analysis whole = Analyze(ParseProgram(cut), Laser());
  Analyzer analyzer(Laser());
  for (const Line& l : Split(cut, 1000)) analyzer.Add(l);
  const Analysis streamed = analyzer.Finish();
  EXPECT_EQ(streamed.line_count, whole.line_count);
  EXPECT_DOUBLE_EQ(streamed.estimated_seconds, whole.estimated_seconds);
  EXPECT_EQ(streamed.min_laser_power, 100);
  EXPECT_EQ(streamed.max_laser_power, 799);
  EXPECT_EQ(streamed.max, whole.max);
  ASSERT_EQ(streamed.violation_count, 1);
  EXPECT_EQ(streamed.violations[0].line, 5003);  // far into the file
  EXPECT_EQ(streamed.violations[0].rule, "envelope");
}

TEST(GcodeAnalyzer, KeepsTheFirstViolationsAndCountsTheRest) {
  std::string bad;
  for (int i = 0; i < 1000; ++i)
    absl::StrAppend(&bad, "M999\nG1 X", i % 100, "\n");
  const Analysis a = Analyze(ParseProgram(bad), Printer());
  EXPECT_FALSE(a.passed());
  EXPECT_EQ(a.violation_count, 1000);
  EXPECT_EQ(a.violations.size(), kMaxViolationsKept);
  EXPECT_EQ(a.violations.back().line, 2 * kMaxViolationsKept - 1);
  EXPECT_FALSE(a.commands.contains("M999"));  // unknown: not collected
}

}  // namespace
}  // namespace werkbank::gcode
