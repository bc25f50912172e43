// Config limits to analysis limits; see machine_limits.h.
#include "machine_limits.h"

namespace werkbank::config {

gcode::MachineLimits LimitsOf(const v1::MachineConfig& m) {
  gcode::MachineLimits l;
  l.flavor =
      m.protocol() == "grbl" ? gcode::Flavor::kGrbl : gcode::Flavor::kMarlin;
  l.envelope_mm = {m.envelope().x_mm(), m.envelope().y_mm(),
                   m.envelope().z_mm()};
  if (m.limits().max_laser_power() > 0)
    l.max_laser_power = m.limits().max_laser_power();
  if (m.limits().max_hotend_c() > 0) l.max_hotend_c = m.limits().max_hotend_c();
  if (m.limits().max_bed_c() > 0) l.max_bed_c = m.limits().max_bed_c();
  l.laser_m4_only = m.limits().laser_m4_only();
  l.forbidden.insert(m.limits().forbidden_commands().begin(),
                     m.limits().forbidden_commands().end());
  return l;
}

}  // namespace werkbank::config
