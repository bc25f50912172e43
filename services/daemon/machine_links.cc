// SPDX-License-Identifier: EUPL-1.2
// Serial devices and simulators for the machines; see machine_links.h.
#include "machine_links.h"

#include "absl/strings/str_cat.h"
#include "drivers/grbl/grbl_host.h"
#include "drivers/marlin/marlin_host.h"
#include "drivers/serial/serial_port.h"
#include "drivers/sim/grbl_sim.h"
#include "drivers/sim/marlin_sim.h"

namespace werkbank::daemon {
namespace {

std::unique_ptr<stream::HostProtocol> HostFor(const v1::MachineConfig& m) {
  if (m.protocol() == "grbl") {
    grbl::GrblOptions options;
    options.require_laser_mode = m.limits().max_laser_power() > 0;
    options.response_timeout = absl::Seconds(m.response_timeout_seconds());
    return std::make_unique<grbl::GrblHost>(options);
  }
  marlin::MarlinOptions options;
  options.response_timeout = absl::Seconds(m.response_timeout_seconds());
  options.probe_timeout = absl::Seconds(m.probe_timeout_seconds());
  options.safe_state_script.assign(m.scripts().safe_state().begin(),
                                   m.scripts().safe_state().end());
  options.cancel_script.assign(m.scripts().cancel().begin(),
                               m.scripts().cancel().end());
  return std::make_unique<marlin::MarlinHost>(std::move(options));
}

}  // namespace

machines::ConnectorFactory MachineLinks::Factory() {
  return [this](const v1::MachineConfig& m) -> machines::Connector {
    std::string device = m.port();
    if (m.port() == "sim:grbl" || m.port() == "sim:marlin") {
      std::unique_ptr<sim::FirmwareSim> sim;
      if (m.port() == "sim:grbl") {
        sim = sim::GrblSim::Create({.block_time = absl::Milliseconds(2)});
      } else {
        sim = sim::MarlinSim::Create();
      }
      device = sim ? sim->device() : "";
      if (sim) sims_.push_back(std::move(sim));
    }
    return [m, device]() -> absl::StatusOr<std::unique_ptr<stream::Streamer>> {
      if (device.empty()) {
        return absl::UnavailableError(
            absl::StrCat("cannot create the simulator for ", m.id()));
      }
      auto port = serial::OpenSerialPort(device, m.baud());
      if (!port.ok()) return port.status();
      return std::make_unique<stream::Streamer>(std::move(*port), HostFor(m));
    };
  };
}

}  // namespace werkbank::daemon
