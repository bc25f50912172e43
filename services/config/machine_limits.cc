// SPDX-License-Identifier: EUPL-1.2
// Config limits to analysis limits; see machine_limits.h.
#include "machine_limits.h"

namespace werkbank::config {

gcode::MachineLimits LimitsOf(const v1::MachineConfig& m,
                              const stream::MotionSettings& reported) {
  gcode::MachineLimits l;
  l.flavor =
      m.protocol() == "grbl" ? gcode::Flavor::kGrbl : gcode::Flavor::kMarlin;
  l.envelope_mm = {m.envelope().x_mm(), m.envelope().y_mm(),
                   m.envelope().z_mm()};
  // Unset limits keep the analysis defaults; a written 0 °C stays 0.
  const v1::Limits& lim = m.limits();
  if (lim.has_max_laser_power()) l.max_laser_power = lim.max_laser_power();
  if (lim.has_max_hotend_c()) l.max_hotend_c = lim.max_hotend_c();
  if (lim.has_max_bed_c()) l.max_bed_c = lim.max_bed_c();
  l.laser_m4_only = m.limits().laser_m4_only();
  if (lim.has_max_beam_on_move_seconds()) {
    l.max_beam_on_move_seconds = lim.max_beam_on_move_seconds();
  }
  // Each motion figure: the config's, else what the firmware reported, else
  // the firmware's factory default.
  const bool grbl = m.protocol() == "grbl";
  const std::array<double, 3> rates = {
      grbl ? 500.0 : 18000.0, grbl ? 500.0 : 18000.0, grbl ? 500.0 : 300.0};
  const std::array<double, 3> accels = {
      grbl ? 10.0 : 3000.0, grbl ? 10.0 : 3000.0, grbl ? 10.0 : 100.0};
  const v1::Motion& motion = m.motion();
  const v1::Axes& r = motion.max_rate_mm_min();
  const v1::Axes& a = motion.acceleration_mm_s2();
  const bool rate_set[3] = {r.has_x(), r.has_y(), r.has_z()};
  const double rate[3] = {r.x(), r.y(), r.z()};
  const bool accel_set[3] = {a.has_x(), a.has_y(), a.has_z()};
  const double accel[3] = {a.x(), a.y(), a.z()};
  for (size_t k = 0; k < 3; ++k) {
    l.motion.max_rate_mm_min[k] =
        rate_set[k] ? rate[k] : reported.max_rate_mm_min[k].value_or(rates[k]);
    l.motion.acceleration_mm_s2[k] =
        accel_set[k] ? accel[k]
                     : reported.acceleration_mm_s2[k].value_or(accels[k]);
  }
  l.motion.junction_deviation_mm =
      motion.has_junction_deviation_mm()
          ? motion.junction_deviation_mm()
          : reported.junction_deviation_mm.value_or(grbl ? 0.01 : 0.013);
  // Marlin's M204 P and T (not in the config): what the firmware reported,
  // else its factory 3000 mm/s². GRBL has no such bound.
  if (!grbl) {
    l.motion.print_acceleration_mm_s2 =
        reported.print_acceleration_mm_s2.value_or(3000);
    l.motion.travel_acceleration_mm_s2 =
        reported.travel_acceleration_mm_s2.value_or(3000);
  }
  l.forbidden.insert(m.limits().forbidden_commands().begin(),
                     m.limits().forbidden_commands().end());
  return l;
}

}  // namespace werkbank::config
