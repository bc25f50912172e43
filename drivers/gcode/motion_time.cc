// SPDX-License-Identifier: EUPL-1.2
// Trapezoidal motion model with junction deviation and bounded look-ahead;
// see motion_time.h.
#include "motion_time.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace werkbank::gcode {
namespace {

constexpr double kEpsilon = 1e-9;

// `value` limited so that no axis exceeds its own limit along `unit` (GRBL's
// limit_value_by_axis_maximum).
double AlongAxes(const std::array<double, 3>& limit,
                 const std::array<double, 3>& unit) {
  double v = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < 3; ++i) {
    if (std::abs(unit[i]) > kEpsilon)
      v = std::min(v, limit[i] / std::abs(unit[i]));
  }
  return std::isfinite(v) ? v : std::min({limit[0], limit[1], limit[2]});
}

}  // namespace

double TrapezoidSeconds(double length_mm, double v0, double v1, double v_max,
                        double accel) {
  if (length_mm <= 0 || v_max <= 0 || accel <= 0) return 0;
  v0 = std::min(v0, v_max);
  v1 = std::min(v1, v_max);
  const double peak_sq = (2 * accel * length_mm + v0 * v0 + v1 * v1) / 2;
  if (peak_sq <= v_max * v_max) {
    const double peak = std::max(std::sqrt(peak_sq), std::max(v0, v1));
    return (peak - v0) / accel + (peak - v1) / accel;
  }
  const double up = (v_max * v_max - v0 * v0) / (2 * accel);
  const double down = (v_max * v_max - v1 * v1) / (2 * accel);
  return (v_max - v0) / accel + (v_max - v1) / accel +
         (length_mm - up - down) / v_max;
}

MotionTime::MotionTime(const Kinematics& kinematics) : k_(kinematics) {
  k_.planner_moves = std::max<size_t>(k_.planner_moves, 1);
}

void MotionTime::Limits(const std::array<double, 3>& unit, double feed_mm_min,
                        bool travel, double* v_nominal, double* accel) const {
  const std::array<double, 3> rates = {k_.max_rate_mm_min[0] / 60,
                                       k_.max_rate_mm_min[1] / 60,
                                       k_.max_rate_mm_min[2] / 60};
  const double fastest = AlongAxes(rates, unit);
  *v_nominal = feed_mm_min > 0 ? std::min(feed_mm_min / 60, fastest) : fastest;
  *accel = AlongAxes(k_.acceleration_mm_s2, unit);
  // Marlin's planner starts from M204's P or T and lowers it to what each
  // axis allows along the move.
  const double cap =
      travel ? k_.travel_acceleration_mm_s2 : k_.print_acceleration_mm_s2;
  if (cap > 0) *accel = std::min(*accel, cap);
}

double MotionTime::Alone(const std::array<double, 3>& delta, double length_mm,
                         double feed_mm_min, bool travel) const {
  const double d = std::hypot(delta[0], delta[1], delta[2]);
  std::array<double, 3> unit = {1, 1, 0};  // a full circle: X and Y
  if (d > kEpsilon) unit = {delta[0] / d, delta[1] / d, delta[2] / d};
  double v = 0, a = 0;
  Limits(unit, feed_mm_min, travel, &v, &a);
  return TrapezoidSeconds(length_mm, 0, 0, v, a);
}

void MotionTime::Move(const std::array<double, 3>& delta, double length_mm,
                      double feed_mm_min, bool travel) {
  if (length_mm <= kEpsilon) return;
  const double d = std::hypot(delta[0], delta[1], delta[2]);
  const bool straight = d > kEpsilon;
  std::array<double, 3> unit = {1, 1, 0};
  if (straight) unit = {delta[0] / d, delta[1] / d, delta[2] / d};
  Block b;
  b.length = length_mm;
  Limits(unit, feed_mm_min, travel, &b.v_nominal, &b.accel);
  if (moving_ && straight && !window_.empty()) {
    // Junction deviation: the speed at which a corner of this angle stays
    // within the deviation at the junction's acceleration.
    const double cos_theta =
        -(last_unit_[0] * unit[0] + last_unit_[1] * unit[1] +
          last_unit_[2] * unit[2]);
    double v_sq = 0;
    if (cos_theta < -0.999999) {
      v_sq = std::numeric_limits<double>::infinity();  // straight on
    } else if (cos_theta < 0.999999) {
      std::array<double, 3> turn = {unit[0] - last_unit_[0],
                                    unit[1] - last_unit_[1],
                                    unit[2] - last_unit_[2]};
      const double n = std::hypot(turn[0], turn[1], turn[2]);
      for (double& t : turn) t /= n;
      double a = AlongAxes(k_.acceleration_mm_s2, turn);
      // Marlin takes the corner at the move's own acceleration (M204).
      const double cap =
          travel ? k_.travel_acceleration_mm_s2 : k_.print_acceleration_mm_s2;
      if (cap > 0) a = std::min(a, cap);
      const double sin_half = std::sqrt(0.5 * (1 - cos_theta));
      v_sq = a * k_.junction_deviation_mm * sin_half / (1 - sin_half);
    }
    b.v_entry_max =
        std::min({std::sqrt(v_sq), b.v_nominal, window_.back().v_nominal});
  }
  window_.push_back(b);
  last_unit_ = unit;
  moving_ = straight;
  if (window_.size() > k_.planner_moves) RetireFirst();
}

void MotionTime::RetireFirst() {
  // Backward from the end of the window, which the firmware plans to stop at:
  // the fastest each block may be entered and still stop in time.
  double next_entry = 0;
  for (size_t i = window_.size(); i-- > 1;) {
    const Block& b = window_[i];
    next_entry = std::min(b.v_entry_max, std::sqrt(next_entry * next_entry +
                                                   2 * b.accel * b.length));
  }
  const Block& first = window_.front();
  const double exit =
      window_.size() > 1
          ? std::min(next_entry, std::sqrt(v_entry_ * v_entry_ +
                                           2 * first.accel * first.length))
          : 0.0;
  seconds_ += TrapezoidSeconds(first.length, v_entry_, exit, first.v_nominal,
                               first.accel);
  v_entry_ = exit;
  window_.pop_front();
}

void MotionTime::Stop() {
  while (!window_.empty()) RetireFirst();
  v_entry_ = 0;
  moving_ = false;
}

double MotionTime::Seconds() {
  Stop();
  return seconds_;
}

}  // namespace werkbank::gcode
