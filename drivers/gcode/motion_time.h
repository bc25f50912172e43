// SPDX-License-Identifier: EUPL-1.2
// How long a machine takes for a sequence of moves: the firmware's own motion
// model, so that the estimate that decides whether a job fits a reservation
// matches what GRBL and Marlin do. Each straight move accelerates and
// decelerates on a trapezoid (constant acceleration up to the feed rate);
// per-axis rate and acceleration limits apply along the move's direction;
// a corner is taken at the speed the junction deviation allows (GRBL's and
// Marlin's planner), and the machine looks as far ahead as the firmware's
// planner buffer (16 moves), stopping at its end.
//
// The machine's figures come in through Kinematics: from the config, else
// from what the firmware reports ($$ on GRBL, M503 on Marlin).
// Memory is constant in the program's length. Not thread-safe.
#ifndef WERKBANK_DRIVERS_GCODE_MOTION_TIME_H_
#define WERKBANK_DRIVERS_GCODE_MOTION_TIME_H_

#include <array>
#include <cstddef>
#include <deque>

namespace werkbank::gcode {

struct Kinematics {
  std::array<double, 3> max_rate_mm_min = {6000, 6000, 600};
  std::array<double, 3> acceleration_mm_s2 = {1000, 1000, 100};
  double junction_deviation_mm = 0.01;
  size_t planner_moves = 16;  // how far the firmware plans ahead
  // Marlin's M204 P and T: a move that extrudes accelerates at most at the
  // first, one that does not at the second, within the per-axis limits.
  // 0: no such bound (GRBL).
  double print_acceleration_mm_s2 = 0;
  double travel_acceleration_mm_s2 = 0;
};

// Straight-line constant-acceleration profile of one move of `length_mm`
// entered at `v0`, left at `v1`, cruising at most at `v_max` (mm/s), with
// acceleration `accel` (mm/s²). Requires the speeds to be reachable.
double TrapezoidSeconds(double length_mm, double v0, double v1, double v_max,
                        double accel);

class MotionTime {
 public:
  explicit MotionTime(const Kinematics& kinematics);

  // The time a move of `delta` (mm per axis) would take on its own, from
  // standstill to standstill, at `feed_mm_min` (0: as fast as the machine
  // goes). `length_mm` is the path length (longer than |delta| for an arc).
  // `travel`: the move extrudes nothing (Marlin's travel acceleration).
  double Alone(const std::array<double, 3>& delta, double length_mm,
               double feed_mm_min, bool travel = false) const;

  // Adds a move to the sequence.
  void Move(const std::array<double, 3>& delta, double length_mm,
            double feed_mm_min, bool travel = false);
  // The machine comes to a stop (a dwell, a heater wait, a program end).
  void Stop();
  // Seconds for everything added so far, ending at a standstill.
  double Seconds();

 private:
  struct Block {
    double length = 0;
    double v_nominal = 0;    // mm/s
    double accel = 0;        // mm/s²
    double v_entry_max = 0;  // junction limit with the previous block
  };
  // Limits of a move along `unit`: nominal speed (mm/s) and acceleration.
  void Limits(const std::array<double, 3>& unit, double feed_mm_min,
              bool travel, double* v_nominal, double* accel) const;
  // Plans the window, then retires its first block.
  void RetireFirst();

  Kinematics k_;
  std::deque<Block> window_;
  std::array<double, 3> last_unit_ = {0, 0, 0};
  bool moving_ = false;  // the last block may flow into the next one
  double v_entry_ = 0;   // entry speed of window_.front()
  double seconds_ = 0;
};

}  // namespace werkbank::gcode

#endif  // WERKBANK_DRIVERS_GCODE_MOTION_TIME_H_
