// SPDX-License-Identifier: EUPL-1.2
// The lab every werkbank-bench run against the real daemon starts from: a
// temporary state directory, werkbank-sim printers on pseudo-terminals (or
// printers on a port that does not exist, for runs that only book), the
// daemon over TLS, and staff logged in. Also the daemon's figures from /proc.
#ifndef WERKBANK_TESTS_BENCH_BENCH_LAB_H_
#define WERKBANK_TESTS_BENCH_BENCH_LAB_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "daemon.h"
#include "process.h"
#include "temp_dir.h"

namespace werkbank::bench {

struct LabSpec {
  // Printers p1..pN of the class "fdm" (Marlin, 250 x 210 x 210 mm).
  int printers = 1;
  // Each printer a werkbank-sim process; false: an absent port (offline).
  bool simulated = true;
  // The simulated firmware's time per command (0: it answers at once).
  int marlin_line_us = 0;
  // The class's booking block, e.g. "slot_minutes: 30".
  std::string booking = "slot_minutes: 30 max_length_minutes: 120";
  // Appended to the config (jobs { ... }, accounts { ... }, server { ... }).
  std::string extra_config;
};

class BenchLab {
 public:
  // Starts the simulators and the daemon and logs staff in; nullptr (after
  // saying why) when any of it fails.
  static std::unique_ptr<BenchLab> Start(const LabSpec& spec);
  ~BenchLab();

  testing::Daemon& daemon() { return *daemon_; }
  pid_t pid() const { return daemon_->pid(); }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const std::string& staff_token() const { return staff_; }
  const testing::TempDir& dir() const { return dir_; }

  // Tells the simulator of printer `id` (e.g. "reset": the button a person
  // presses after an emergency stop halted the firmware).
  void ControlSim(const std::string& id, const std::string& command) const;

  // Staff unlock printer `id`, retrying while it is still connecting.
  grpc::Status UnlockForStaff(const std::string& id);

 private:
  BenchLab() = default;
  testing::TempDir dir_;
  std::vector<std::unique_ptr<testing::Background>> sims_;
  std::unique_ptr<testing::Daemon> daemon_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string staff_;
};

// CPU time (user + system) that process `pid` has used so far.
double CpuSeconds(pid_t pid);
// A field of /proc/<pid>/status in kB (VmHWM, VmRSS), or its number
// (Threads).
int64_t StatusField(pid_t pid, const std::string& field);
// Resets the peak (VmHWM) to the current resident size; returns it in kB.
int64_t ResetPeakKb(pid_t pid);

}  // namespace werkbank::bench

#endif  // WERKBANK_TESTS_BENCH_BENCH_LAB_H_
