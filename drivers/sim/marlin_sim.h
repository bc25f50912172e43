// A simulated Marlin printer: line numbers and checksums checked, resend
// requests as real Marlin sends them, M110/M115/M105/M155/M112, heaters with
// a simple thermal model, and the `start` banner on reset.
#ifndef WERKBANK_DRIVERS_SIM_MARLIN_SIM_H_
#define WERKBANK_DRIVERS_SIM_MARLIN_SIM_H_

#include <deque>
#include <memory>

#include "firmware_sim.h"

namespace werkbank::sim {

class MarlinSim : public FirmwareSim {
 public:
  // `line_time`: how long each command takes before its ok (0: at once).
  static std::unique_ptr<MarlinSim> Create(
      absl::Duration line_time = absl::ZeroDuration());
  ~MarlinSim() override;

  // Sends the start banner again, as a firmware reset does.
  void Reset();
  // The hotend stops heating; Marlin's thermal protection halts the printer.
  void ThermalRunaway();
  // The heater cartridge fails quietly: the hotend cools, the firmware says
  // nothing. Only the host's own check can notice.
  void BreakHeater() { heater_broken_ = true; }
  bool halted();
  double hotend_target();
  double bed_target();

 protected:
  void OnBytes(absl::string_view bytes) override;
  void OnTick() override;

 private:
  MarlinSim() = default;
  void Ok() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  void OnLine(std::string line) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  void Execute(const std::string& command)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);

  // The firmware's state, between the sim thread and a test's Reset().
  Mutex sim_mu_;
  std::string pending_ ABSL_GUARDED_BY(sim_mu_);
  int64_t last_n_ ABSL_GUARDED_BY(sim_mu_) = 0;
  std::atomic<bool> halted_{false};
  std::atomic<bool> heater_broken_{false};
  absl::Duration line_time_;
  std::deque<absl::Time> pending_oks_
      ABSL_GUARDED_BY(sim_mu_);  // due times of delayed oks
  std::atomic<double> hotend_target_{0};
  std::atomic<double> bed_target_{0};
  double hotend_ ABSL_GUARDED_BY(sim_mu_) = 20;
  double bed_ ABSL_GUARDED_BY(sim_mu_) = 20;
  bool autoreport_ ABSL_GUARDED_BY(sim_mu_) = false;
  absl::Time next_report_ ABSL_GUARDED_BY(sim_mu_) = absl::InfinitePast();
};

}  // namespace werkbank::sim

#endif  // WERKBANK_DRIVERS_SIM_MARLIN_SIM_H_
