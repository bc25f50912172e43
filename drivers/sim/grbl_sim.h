// SPDX-License-Identifier: EUPL-1.2
// A simulated GRBL 1.1 laser: a 128-byte receive buffer that records any
// overflow, a planner that executes one block per `block_time`, status
// reports, real-time bytes picked out of the stream at once, a door input,
// alarms, `$$` settings with laser mode, and `$C` check mode.
#ifndef WERKBANK_DRIVERS_SIM_GRBL_SIM_H_
#define WERKBANK_DRIVERS_SIM_GRBL_SIM_H_

#include <array>
#include <deque>
#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "base/mutex.h"
#include "drivers/gcode/motion_time.h"
#include "firmware_sim.h"

namespace werkbank::sim {

struct GrblSimOptions {
  size_t rx_buffer_bytes = 128;
  size_t planner_blocks = 15;
  absl::Duration block_time = absl::ZeroDuration();  // per motion block
  bool laser_mode = true;                            // $32
  // $110-$112, $120-$122 and $11, reported in `$$` (GRBL's factory values).
  gcode::Kinematics kinematics = {{500, 500, 500}, {10, 10, 10}, 0.01, 16};
  // Each block takes as long as its move does, from standstill to standstill
  // at its feed rate and the acceleration above, divided by `time_scale`
  // (instead of `block_time`).
  bool motion_time = false;
  double time_scale = 1;
};

class GrblSim : public FirmwareSim {
 public:
  static std::unique_ptr<GrblSim> Create(GrblSimOptions options = {});
  ~GrblSim() override;

  void SetDoorOpen(bool open) ABSL_LOCKS_EXCLUDED(sim_mu_);
  // Raises ALARM:n, as a hard limit switch would.
  void RaiseAlarm(int n) ABSL_LOCKS_EXCLUDED(sim_mu_);
  // Resets as a power glitch would: buffers cleared, banner sent.
  void Reset() ABSL_LOCKS_EXCLUDED(sim_mu_);

  // From the first status report that showed the door open to the arrival
  // of the host's 0x84: how fast the host reacts. nullopt until both happened.
  std::optional<absl::Duration> DoorReactionTime() ABSL_LOCKS_EXCLUDED(sim_mu_);

  // The host sent more than the buffer holds.
  bool overflowed() ABSL_LOCKS_EXCLUDED(sim_mu_);
  // M3/M4 with S > 0 and not held.
  bool laser_on() ABSL_LOCKS_EXCLUDED(sim_mu_);
  // "Idle", "Run", "Hold", "Door", "Alarm", "Check".
  std::string state() ABSL_LOCKS_EXCLUDED(sim_mu_);

 protected:
  void OnBytes(absl::string_view bytes) override ABSL_LOCKS_EXCLUDED(sim_mu_);
  void OnTick() override ABSL_LOCKS_EXCLUDED(sim_mu_);

 private:
  explicit GrblSim(GrblSimOptions options) : options_(options) {}
  void Realtime(char c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  void ProcessLines() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  void Execute(const std::string& line) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  void SendStatus() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);
  // `realtime`: the host's 0x18, which raises ALARM:3 in motion.
  void SoftReset(bool realtime) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sim_mu_);

  GrblSimOptions options_;
  Mutex sim_mu_;
  std::string rx_ ABSL_GUARDED_BY(sim_mu_);
  std::deque<std::string> planner_ ABSL_GUARDED_BY(sim_mu_);
  // How long each planned block takes (motion_time), front first.
  std::deque<absl::Duration> block_times_ ABSL_GUARDED_BY(sim_mu_);
  absl::Time next_block_ ABSL_GUARDED_BY(sim_mu_) = absl::InfinitePast();
  bool rapid_ ABSL_GUARDED_BY(sim_mu_) = true;  // G0 (else G1/G2/G3)
  double feed_ ABSL_GUARDED_BY(sim_mu_) = 0;    // F, mm/min
  std::string state_ ABSL_GUARDED_BY(sim_mu_) = "Idle";
  bool held_ ABSL_GUARDED_BY(sim_mu_) = false;
  absl::Time held_at_ ABSL_GUARDED_BY(sim_mu_);
  bool door_ ABSL_GUARDED_BY(sim_mu_) = false;
  bool alarm_ ABSL_GUARDED_BY(sim_mu_) = false;
  bool check_ ABSL_GUARDED_BY(sim_mu_) = false;
  bool overflowed_ ABSL_GUARDED_BY(sim_mu_) = false;
  bool laser_ ABSL_GUARDED_BY(sim_mu_) = false;
  double power_ ABSL_GUARDED_BY(sim_mu_) = 0;
  std::array<double, 3> pos_ ABSL_GUARDED_BY(sim_mu_) = {0, 0, 0};
  std::optional<absl::Time> door_reported_at_ ABSL_GUARDED_BY(sim_mu_);
  std::optional<absl::Time> door_byte_at_ ABSL_GUARDED_BY(sim_mu_);
};

}  // namespace werkbank::sim

#endif  // WERKBANK_DRIVERS_SIM_GRBL_SIM_H_
