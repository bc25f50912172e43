// SPDX-License-Identifier: EUPL-1.2
// A machine's limits from its config, as the G-code analysis takes them: the
// preflight of every job and the check of the machine's own scripts use the
// same rules.
#ifndef WERKBANK_SERVICES_CONFIG_MACHINE_LIMITS_H_
#define WERKBANK_SERVICES_CONFIG_MACHINE_LIMITS_H_

#include "drivers/gcode/analysis.h"
#include "drivers/stream/host_protocol.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::config {

// The motion figures the config leaves out come from what the firmware
// reported (`reported`, e.g. GRBL's `$$`), then from its factory defaults.
gcode::MachineLimits LimitsOf(const v1::MachineConfig& machine,
                              const stream::MotionSettings& reported = {});

}  // namespace werkbank::config

#endif  // WERKBANK_SERVICES_CONFIG_MACHINE_LIMITS_H_
