// SPDX-License-Identifier: EUPL-1.2
// One pass over a program: what it does and whether it fits a machine.
//
// The analysis tracks the machine position (G90/G91, G20/G21, G92 offsets,
// G2/G3 arcs), feed rates, laser power (S with M3/M4/M5) and laser-on distance,
// heater targets, and estimates the duration with the firmware's motion model
// (motion_time.h). Preflight checks every line against the machine's limits
// and lists each violation with its line number.
//
// Analyzer takes the lines one at a time with state of a bounded size (the
// motion planner's window, the first kMaxViolationsKept violations), so that
// an upload is checked as its bytes arrive, whatever its length.
#ifndef WERKBANK_DRIVERS_GCODE_ANALYSIS_H_
#define WERKBANK_DRIVERS_GCODE_ANALYSIS_H_

#include <array>
#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "line.h"
#include "motion_time.h"

namespace werkbank::gcode {

enum class Flavor { kMarlin, kGrbl };

struct MachineLimits {
  Flavor flavor = Flavor::kMarlin;
  std::array<double, 3> envelope_mm = {200, 200,
                                       200};  // 0 disables an axis check
  double max_laser_power = 1000;
  double max_hotend_c = 280;
  double max_bed_c = 110;
  bool laser_m4_only = false;
  // Commands refused in jobs; M500/M502/M303/M997 and `$` settings always are.
  std::set<std::string> forbidden;
  // How the machine moves: for the estimate and the beam-on bound.
  Kinematics motion;
  // A laser move with the beam on that would take longer is refused, so that
  // a host that dies mid-job leaves the beam on for no longer.
  double max_beam_on_move_seconds = 5;
};

struct Violation {
  int64_t line = 0;
  std::string rule;  // "envelope", "power", "temperature", "forbidden",
                     // "unknown", "syntax", "feed", "beam"
  std::string message;
};

// Violations listed in full; beyond, only counted (a person fixes the first
// ones and uploads again).
inline constexpr size_t kMaxViolationsKept = 200;

struct Analysis {
  int64_t line_count = 0;  // lines that carry a command
  bool has_motion = false;
  std::array<double, 3> min = {0, 0, 0};
  std::array<double, 3> max = {0, 0, 0};
  double max_feed_mm_min = 0;
  double min_laser_power = 0;
  double max_laser_power = 0;
  double laser_on_distance_mm = 0;
  double max_hotend_c = 0;
  double max_bed_c = 0;
  double estimated_seconds = 0;
  std::set<std::string> commands;     // those the machine knows
  std::vector<Violation> violations;  // the first kMaxViolationsKept
  int64_t violation_count = 0;        // all of them

  bool passed() const { return violation_count == 0; }
};

// Analyzes a program line by line, in order. Not thread-safe.
class Analyzer {
 public:
  explicit Analyzer(const MachineLimits& limits);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // The next line of the program (as ParseLine made it).
  void Add(const Line& line);
  // The analysis of every line added; call once, after the last.
  Analysis Finish();

 private:
  class Impl;
  const MachineLimits limits_;
  std::unique_ptr<Impl> impl_;
};

// The whole program at once.
Analysis Analyze(const std::vector<Line>& program, const MachineLimits& limits);

}  // namespace werkbank::gcode

#endif  // WERKBANK_DRIVERS_GCODE_ANALYSIS_H_
