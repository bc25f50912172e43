// SPDX-License-Identifier: EUPL-1.2
// Program analysis and preflight; see analysis.h.
#include "analysis.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace werkbank::gcode {
namespace {

const std::set<std::string>& KnownCommands(Flavor flavor) {
  static const std::set<std::string> kMarlin = {
      "G0",   "G1",   "G2",   "G3",   "G4",   "G10",  "G11",  "G17",  "G20",
      "G21",  "G27",  "G28",  "G29",  "G80",  "G90",  "G91",  "G92",  "M0",
      "M1",   "M17",  "M18",  "M73",  "M82",  "M83",  "M84",  "M104", "M105",
      "M106", "M107", "M109", "M114", "M117", "M118", "M140", "M141", "M155",
      "M190", "M191", "M201", "M203", "M204", "M205", "M220", "M221", "M400",
      "M420", "M486", "M600", "M900", "T0",   "T1",   "M300", "M500", "M502",
      "M303", "M997", "M3",   "M4",   "M5",   "M2",   "M30",
  };
  static const std::set<std::string> kGrbl = {
      "G0",  "G1",  "G2",  "G3",  "G4",   "G10",   "G17",  "G18",  "G19",
      "G20", "G21", "G28", "G30", "G40",  "G43.1", "G49",  "G53",  "G54",
      "G55", "G56", "G57", "G58", "G59",  "G80",   "G90",  "G91",  "G91.1",
      "G92", "G93", "G94", "M0",  "M1",   "M2",    "M3",   "M4",   "M5",
      "M7",  "M8",  "M9",  "M30", "M500", "M502",  "M303", "M997", "$",
  };
  return flavor == Flavor::kGrbl ? kGrbl : kMarlin;
}

struct State {
  bool absolute = true;
  double unit = 1.0;                         // mm per program unit
  std::array<double, 3> pos = {0, 0, 0};     // machine coordinates, mm
  std::array<double, 3> offset = {0, 0, 0};  // machine = program + offset (G92)
  std::string motion = "G0";
  double feed = 0;  // mm/min
  bool laser_on = false;
  double power = 0;
};

}  // namespace

class Analyzer::Impl {
 public:
  explicit Impl(const MachineLimits& limits)
      : limits_(limits), motion_(limits.motion) {}

  void Add(const Line& line) {
    LaserPowerRange(line);
    Step(line);
  }

  Analysis Finish() {
    a_.estimated_seconds = motion_.Seconds() + waits_seconds_;
    return std::move(a_);
  }

 private:
  void Violate(const Line& line, const std::string& rule, std::string message) {
    ++a_.violation_count;
    if (a_.violations.size() >= kMaxViolationsKept) return;
    a_.violations.push_back({line.source_line, rule, std::move(message)});
  }

  // The range of S values that set the laser's power (not M104 S200).
  void LaserPowerRange(const Line& line) {
    if (line.code.empty() || limits_.flavor != Flavor::kGrbl) return;
    auto s = line.Get('S');
    if (!s || (!line.command.empty() && line.command[0] == 'M' &&
               line.command != "M3" && line.command != "M4")) {
      return;
    }
    if (!power_seen_) {
      a_.min_laser_power = a_.max_laser_power = *s;
      power_seen_ = true;
    }
    a_.min_laser_power = std::min(a_.min_laser_power, *s);
    a_.max_laser_power = std::max(a_.max_laser_power, *s);
  }

  void Extend(const std::array<double, 3>& p) {
    if (!a_.has_motion) {
      a_.min = a_.max = p;
      a_.has_motion = true;
      return;
    }
    for (int k = 0; k < 3; ++k) {
      a_.min[k] = std::min(a_.min[k], p[k]);
      a_.max[k] = std::max(a_.max[k], p[k]);
    }
  }

  // Returns false (and records one violation) when `p` leaves the envelope.
  bool CheckEnvelope(const Line& line, const std::array<double, 3>& p,
                     bool& reported) {
    static const char kAxis[] = "XYZ";
    for (int k = 0; k < 3; ++k) {
      const double env = limits_.envelope_mm[k];
      if (env <= 0) continue;
      if (p[k] < -1e-6 || p[k] > env + 1e-6) {
        if (!reported) {
          Violate(line, "envelope",
                  absl::StrFormat(
                      "%c %.3f mm is outside the work area (0 to %.0f mm)",
                      kAxis[k], p[k], env));
          reported = true;
        }
        return false;
      }
    }
    return true;
  }

  // The machine stops (a dwell, a heater wait, homing) for `seconds`.
  void Wait(double seconds) {
    motion_.Stop();
    waits_seconds_ += seconds;
  }

  // A laser move with the beam on may not outlast the bound: a host that
  // crashes mid-move leaves the beam on until the firmware finishes it.
  void CheckBeamTime(const Line& line, const std::array<double, 3>& delta,
                     double length, double feed) {
    const double seconds = motion_.Alone(delta, length, feed);
    const double bound = limits_.max_beam_on_move_seconds;
    if (seconds <= bound) return;
    // The longest move in this direction and at this feed that stays within
    // the bound (the time grows with the length).
    double longest = 0;
    for (double lo = 0, hi = length, i = 0; i < 40; ++i) {
      const double mid = (lo + hi) / 2;
      if (motion_.Alone(delta, mid, feed) <= bound) {
        lo = longest = mid;
      } else {
        hi = mid;
      }
    }
    Violate(line, "beam",
            absl::StrFormat(
                "the beam is on for about %.1f s in this %.0f mm move, longer "
                "than the %g s a crashed host may leave it on; split it into "
                "moves of at most %.0f mm (or raise the feed rate)",
                seconds, length, bound, std::floor(longest)));
  }

  void Move(const Line& line) {
    std::array<double, 3> target = st_.pos;
    static const char kAxis[] = "XYZ";
    for (int k = 0; k < 3; ++k) {
      if (auto v = line.Get(kAxis[k])) {
        const double mm = *v * st_.unit;
        target[k] = st_.absolute ? mm + st_.offset[k] : st_.pos[k] + mm;
      }
    }
    bool reported = false;
    double length = 0;
    const bool arc = st_.motion == "G2" || st_.motion == "G3";
    if (arc) {
      length = Arc(line, target, reported);
    } else {
      length = std::hypot(target[0] - st_.pos[0], target[1] - st_.pos[1],
                          target[2] - st_.pos[2]);
      CheckEnvelope(line, target, reported);
      Extend(target);
    }
    const bool rapid = st_.motion == "G0";
    const double feed = rapid ? 0 : st_.feed;  // 0: as fast as it goes
    if (!rapid && st_.feed <= 0 && length > 0 &&
        limits_.flavor == Flavor::kGrbl) {
      Violate(line, "feed", "a cutting move needs a feed rate (F) first");
    }
    const std::array<double, 3> delta = {
        target[0] - st_.pos[0], target[1] - st_.pos[1], target[2] - st_.pos[2]};
    // A move without E extrudes nothing: Marlin's travel acceleration.
    motion_.Move(delta, length, feed, /*travel=*/!line.Get('E'));
    if (!rapid && st_.laser_on && st_.power > 0 &&
        limits_.flavor == Flavor::kGrbl) {
      a_.laser_on_distance_mm += length;
      if (st_.feed > 0) CheckBeamTime(line, delta, length, feed);
    }
    st_.pos = target;
  }

  // Samples the arc every 5 degrees for the bounding box; returns its length.
  double Arc(const Line& line, const std::array<double, 3>& target,
             bool& reported) {
    const double i = line.Get('I').value_or(0) * st_.unit;
    const double j = line.Get('J').value_or(0) * st_.unit;
    double cx = st_.pos[0] + i, cy = st_.pos[1] + j;
    if (auto r = line.Get('R')) {
      // Center from the radius: of the two, the one G2/G3 turns the short way.
      const double rad = *r * st_.unit;
      const double dx = target[0] - st_.pos[0], dy = target[1] - st_.pos[1];
      const double d = std::hypot(dx, dy);
      if (d == 0 || std::abs(rad) < d / 2) {
        Violate(line, "syntax", "arc radius is too small for its end point");
        return 0;
      }
      const double h = std::sqrt(rad * rad - d * d / 4) *
                       ((st_.motion == "G2") == (rad > 0) ? -1 : 1);
      cx = st_.pos[0] + dx / 2 - h * dy / d;
      cy = st_.pos[1] + dy / 2 + h * dx / d;
    }
    const double radius = std::hypot(st_.pos[0] - cx, st_.pos[1] - cy);
    double a0 = std::atan2(st_.pos[1] - cy, st_.pos[0] - cx);
    double a1 = std::atan2(target[1] - cy, target[0] - cx);
    const bool clockwise = st_.motion == "G2";
    double sweep = clockwise ? a0 - a1 : a1 - a0;
    while (sweep <= 1e-9) sweep += 2 * std::numbers::pi;
    const int steps =
        std::max(2, static_cast<int>(sweep / (std::numbers::pi / 36)));
    for (int s = 0; s <= steps; ++s) {
      const double a = a0 + (clockwise ? -1 : 1) * sweep * s / steps;
      std::array<double, 3> p = {
          cx + radius * std::cos(a), cy + radius * std::sin(a),
          st_.pos[2] + (target[2] - st_.pos[2]) * s / steps};
      if (s == steps) p = target;
      CheckEnvelope(line, p, reported);
      Extend(p);
    }
    return std::hypot(sweep * radius, target[2] - st_.pos[2]);
  }

  void Power(const Line& line) {
    if (limits_.flavor != Flavor::kGrbl) return;
    if (auto s = line.Get('S')) {
      st_.power = *s;
      if (*s > limits_.max_laser_power) {
        Violate(
            line, "power",
            absl::StrFormat("laser power S%g is above this machine's limit S%g",
                            *s, limits_.max_laser_power));
      }
    }
  }

  void Step(const Line& line) {
    if (!line.error.empty()) {
      Violate(line, "syntax", line.error);
      return;
    }
    if (line.code.empty()) return;
    ++a_.line_count;
    const std::string& cmd = line.command;
    // Programs repeat the same command for thousands of lines: classify it
    // once per change.
    if (cmd != last_command_) {
      last_command_ = cmd;
      last_known_ = KnownCommands(limits_.flavor).contains(cmd);
      last_forbidden_ = cmd == "M500" || cmd == "M502" || cmd == "M303" ||
                        cmd == "M997" || limits_.forbidden.contains(cmd);
      // Only commands from the machine's finite lists, so that the set
      // stays small whatever the file holds.
      if (!cmd.empty() && (last_known_ || last_forbidden_))
        a_.commands.insert(cmd);
    }
    if (cmd == "$") {
      Violate(line, "forbidden",
              "`$` system commands and settings are not allowed in a job");
      return;
    }
    if (last_forbidden_) {
      Violate(line, "forbidden", absl::StrCat(cmd, " is not allowed in a job"));
      return;
    }
    if (cmd.rfind("G38", 0) == 0 && limits_.flavor == Flavor::kGrbl) {
      Violate(line, "forbidden",
              absl::StrCat(cmd,
                           " probes with a touch probe, which a laser does "
                           "not have: the head would move until a limit "
                           "alarm; remove the line"));
      return;
    }
    if (!cmd.empty() && !last_known_) {
      Violate(line, "unknown",
              absl::StrCat(cmd, " is not a command this machine accepts"));
      return;
    }
    // Modal settings anywhere on the line.
    for (const Word& w : line.words) {
      if (w.letter != 'G') continue;
      if (w.value == 90) st_.absolute = true;
      if (w.value == 91) st_.absolute = false;
      if (w.value == 20) st_.unit = 25.4;
      if (w.value == 21) st_.unit = 1.0;
    }
    if (auto f = line.Get('F')) {
      st_.feed = *f * st_.unit;
      a_.max_feed_mm_min = std::max(a_.max_feed_mm_min, st_.feed);
    }
    if (cmd == "G92") {
      static const char kAxis[] = "XYZ";
      for (int k = 0; k < 3; ++k) {
        if (auto v = line.Get(kAxis[k]))
          st_.offset[k] = st_.pos[k] - *v * st_.unit;
      }
      return;
    }
    if (cmd == "G28") {
      Wait(0);
      st_.pos = {0, 0, 0};
      return;
    }
    if (cmd == "G4") {
      Wait(line.Get('P').value_or(0) / 1000.0 + line.Get('S').value_or(0));
      return;
    }
    if (cmd == "M3" || cmd == "M4") {
      if (cmd == "M3" && limits_.laser_m4_only) {
        Violate(line, "forbidden",
                "M3 (constant power) is not allowed on this laser; use M4");
      }
      st_.laser_on = true;
      Power(line);
      return;
    }
    if (cmd == "M5") {
      st_.laser_on = false;
      return;
    }
    if (cmd == "M104" || cmd == "M109" || cmd == "M140" || cmd == "M190") {
      const bool bed = cmd == "M140" || cmd == "M190";
      const double t = line.Get('S').value_or(line.Get('R').value_or(0));
      double& max = bed ? a_.max_bed_c : a_.max_hotend_c;
      max = std::max(max, t);
      const double limit = bed ? limits_.max_bed_c : limits_.max_hotend_c;
      if (t > limit) {
        Violate(line, "temperature",
                absl::StrFormat(
                    "%s %.0f °C is above this machine's limit of %.0f °C",
                    bed ? "bed" : "hotend", t, limit));
      }
      if (cmd == "M109" || cmd == "M190") Wait(60);
      return;
    }
    if (cmd == "G0" || cmd == "G1" || cmd == "G2" || cmd == "G3")
      st_.motion = cmd;
    const bool moves = line.Get('X') || line.Get('Y') || line.Get('Z');
    if (cmd.empty() || cmd == "G0" || cmd == "G1" || cmd == "G2" ||
        cmd == "G3") {
      Power(line);
      if (moves) Move(line);
    }
  }

  const MachineLimits& limits_;
  MotionTime motion_;
  double waits_seconds_ = 0;
  bool power_seen_ = false;
  std::string last_command_;  // and what it is:
  bool last_known_ = true, last_forbidden_ = false;
  State st_;
  Analysis a_;
};

Analyzer::Analyzer(const MachineLimits& limits)
    : limits_(limits), impl_(std::make_unique<Impl>(limits_)) {}

Analyzer::~Analyzer() = default;

void Analyzer::Add(const Line& line) { impl_->Add(line); }

Analysis Analyzer::Finish() { return impl_->Finish(); }

Analysis Analyze(const std::vector<Line>& program,
                 const MachineLimits& limits) {
  Analyzer analyzer(limits);
  for (const Line& line : program) analyzer.Add(line);
  return analyzer.Finish();
}

}  // namespace werkbank::gcode
