// SPDX-License-Identifier: EUPL-1.2
// The composition root's way to reach machines: a serial device from the
// config, or, for "sim:grbl" / "sim:marlin", a simulated machine that
// werkbankd runs itself on a pseudo-terminal (the demo lab).
#ifndef WERKBANK_SERVICES_DAEMON_MACHINE_LINKS_H_
#define WERKBANK_SERVICES_DAEMON_MACHINE_LINKS_H_

#include <memory>
#include <vector>

#include "drivers/sim/firmware_sim.h"
#include "services/machines/machine_manager.h"

namespace werkbank::daemon {

class MachineLinks {
 public:
  // The factory for MachineManager; simulators are created on first use and
  // live as long as this object.
  machines::ConnectorFactory Factory();

 private:
  std::vector<std::unique_ptr<sim::FirmwareSim>> sims_;
};

}  // namespace werkbank::daemon

#endif  // WERKBANK_SERVICES_DAEMON_MACHINE_LINKS_H_
