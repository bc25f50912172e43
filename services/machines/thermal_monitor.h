// SPDX-License-Identifier: EUPL-1.2
// The host's own check of a printer's hotend, independent of the firmware's
// thermal protection (which a misconfigured or old firmware may lack): a
// heater that does not heat, or that drifts away from a target it had
// reached, trips the "thermal" interlock. One concern, one small class, fed
// with readings and the time, so it is tested on a fake clock.
//
// Not thread-safe: the machine controller calls it under its lock.
#ifndef WERKBANK_SERVICES_MACHINES_THERMAL_MONITOR_H_
#define WERKBANK_SERVICES_MACHINES_THERMAL_MONITOR_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "drivers/stream/host_protocol.h"

namespace werkbank::machines {

struct ThermalLimits {
  absl::Duration no_heat = absl::Seconds(30);  // heating must make progress
  double progress_c = 2;                       // ... of at least this much
  absl::Duration drift = absl::Seconds(10);    // away from a reached target
  double band_c = 15;                          // what counts as "at target"
};

class ThermalMonitor {
 public:
  explicit ThermalMonitor(ThermalLimits limits = {}) : limits_(limits) {}

  // One reading while a job runs; returns why the interlock trips, if it
  // does. `active` false (no job, no heater target) resets the check.
  std::optional<std::string> Check(absl::Time now,
                                   const stream::Temperatures& t, bool active);

 private:
  ThermalLimits limits_;
  absl::Time progress_at_ = absl::InfinitePast();
  double progress_c_ = 0;
  bool reached_target_ = false;
  std::optional<absl::Time> drifting_since_;
};

}  // namespace werkbank::machines

#endif  // WERKBANK_SERVICES_MACHINES_THERMAL_MONITOR_H_
