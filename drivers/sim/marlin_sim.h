// SPDX-License-Identifier: EUPL-1.2
// A simulated Marlin printer: line numbers and checksums checked, resend
// requests as real Marlin sends them, M110/M115/M105/M155/M112, M503 with
// the rates it moves by, heaters with a simple thermal model, and the
// `start` banner on reset.
#ifndef WERKBANK_DRIVERS_SIM_MARLIN_SIM_H_
#define WERKBANK_DRIVERS_SIM_MARLIN_SIM_H_

#include <deque>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "base/mutex.h"
#include "drivers/gcode/motion_time.h"
#include "firmware_sim.h"

namespace werkbank::sim {

// The ways real printers' firmwares differ from Marlin 2; each has a test.
struct MarlinQuirks {
  // Each move takes its time, standstill to standstill at its feed rate with
  // these rates and accelerations (Marlin's factory values), divided by
  // `time_scale`; its ok comes once the 16-block planner has room for it.
  // M503 reports them (M203, M201, M204) with or without motion_time.
  bool motion_time = false;
  gcode::Kinematics kinematics = {
      {18000, 18000, 300}, {3000, 3000, 100}, 0.013, 16, 3000, 3000};
  // A build without the settings report: M503 is an unknown command.
  bool no_settings_report = false;
  double time_scale = 1;
  // "Error: Checksum mismatch" / "Error: expected line 1 got 492" instead of
  // Marlin 2's wording and case.
  bool other_error_wording = false;
  // No `ok` after a `Resend:`.
  bool no_ok_after_resend = false;
  // A line without number and checksum is refused ("Error: Missing
  // checksum"), except what the emergency parser acts on.
  bool checksum_required = false;
  // Temperature reports without targets (" T:21.30 B:20.10").
  bool reports_without_targets = false;
  // No M155 autoreport (M115 does not offer it).
  bool no_autoreport = false;
  // `echo:busy: processing` every second while a long command runs.
  bool busy_keepalive = false;
  // Degrees per second the hotend heats (0: the default fast model).
  double heat_rate_c_per_s = 0;
};

class MarlinSim : public FirmwareSim {
 public:
  // `line_time`: how long each command takes before its ok (0: at once).
  static std::unique_ptr<MarlinSim> Create(
      absl::Duration line_time = absl::ZeroDuration(),
      MarlinQuirks quirks = {});
  ~MarlinSim() override;

  // Resets as the firmware does (line numbers from 0, heaters off, buffers
  // empty); with `banner`, it says `start`, as most boards do.
  void Reset(bool banner = true) ABSL_LOCKS_EXCLUDED(sim_mu_);
  // Other rates from now on, as after new settings and a reset.
  void SetKinematics(const gcode::Kinematics& k) ABSL_LOCKS_EXCLUDED(sim_mu_);
  // The hotend stops heating; Marlin's thermal protection halts the printer.
  void ThermalRunaway();
  // The heater cartridge fails quietly: the hotend cools, the firmware says
  // nothing. Only the host's own check can notice.
  void BreakHeater() { heater_broken_ = true; }
  bool halted();
  double hotend_target();
  double bed_target();

 protected:
  void OnBytes(absl::string_view bytes) override ABSL_LOCKS_EXCLUDED(sim_mu_);
  void OnTick() override ABSL_LOCKS_EXCLUDED(sim_mu_);

 private:
  MarlinSim() = default;
  void Ok() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  // How long a G0/G1 takes (motion_time); zero for anything else.
  absl::Duration MoveTime(const std::string& command)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  void OnLine(std::string line) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  void Execute(const std::string& command)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  // M108/M112/M410 anywhere in a line, as Marlin's emergency parser sees
  // them before the line is checked; true when the line halts the printer.
  bool EmergencyParser(const std::string& line)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  void ProcessLines() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  std::string Report() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  // The answer to M503, before its ok.
  std::string SettingsReport() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);

  // The firmware's state, between the sim thread and a test's Reset().
  Mutex sim_mu_;
  MarlinQuirks quirks_ ABSL_GUARDED_BY(sim_mu_);
  std::string pending_ ABSL_GUARDED_BY(sim_mu_);
  std::deque<std::string> lines_ ABSL_GUARDED_BY(sim_mu_);  // received
  // A wait for temperature (M109/M190) holds every following line.
  bool waiting_heat_ ABSL_GUARDED_BY(sim_mu_) = false;
  bool waiting_bed_ ABSL_GUARDED_BY(sim_mu_) = false;
  absl::Time next_wait_report_ ABSL_GUARDED_BY(sim_mu_);
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
  std::array<double, 3> pos_ ABSL_GUARDED_BY(sim_mu_) = {0, 0, 0};
  double feed_ ABSL_GUARDED_BY(sim_mu_) = 0;  // mm/min
  // motion_time: when the last planned move ends, and the ends of the moves
  // in the planner.
  absl::Time motion_end_ ABSL_GUARDED_BY(sim_mu_) = absl::InfinitePast();
  std::deque<absl::Time> move_ends_ ABSL_GUARDED_BY(sim_mu_);
  absl::Time next_report_ ABSL_GUARDED_BY(sim_mu_) = absl::InfinitePast();
};

}  // namespace werkbank::sim

#endif  // WERKBANK_DRIVERS_SIM_MARLIN_SIM_H_
