// Config limits to analysis limits; see machine_limits.h.
#include "machine_limits.h"

namespace werkbank::config {

gcode::MachineLimits LimitsOf(const v1::MachineConfig& m) {
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
  // The config loader fills in every motion field (the firmware's factory
  // defaults where the config says nothing).
  const v1::Motion& motion = m.motion();
  if (motion.has_max_rate_mm_min()) {
    const v1::Axes& r = motion.max_rate_mm_min();
    l.motion.max_rate_mm_min = {r.x(), r.y(), r.z()};
  }
  if (motion.has_acceleration_mm_s2()) {
    const v1::Axes& a = motion.acceleration_mm_s2();
    l.motion.acceleration_mm_s2 = {a.x(), a.y(), a.z()};
  }
  if (motion.has_junction_deviation_mm()) {
    l.motion.junction_deviation_mm = motion.junction_deviation_mm();
  }
  l.forbidden.insert(m.limits().forbidden_commands().begin(),
                     m.limits().forbidden_commands().end());
  return l;
}

}  // namespace werkbank::config
