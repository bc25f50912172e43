// SPDX-License-Identifier: EUPL-1.2
// The base of the simulated machines: a pseudo-terminal served by its own
// thread, a record of every byte received and every command accepted, and
// fault injection shared by both firmwares.
#ifndef WERKBANK_DRIVERS_SIM_FIRMWARE_SIM_H_
#define WERKBANK_DRIVERS_SIM_FIRMWARE_SIM_H_

#include <atomic>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "base/mutex.h"
#include "drivers/serial/pty.h"

namespace werkbank::sim {

struct Faults {
  double corrupt_fraction = 0;  // received lines with one byte changed
  double drop_ok_fraction = 0;  // acknowledgements never sent
  uint32_t seed = 1;
};

class FirmwareSim {
 public:
  virtual ~FirmwareSim();

  // The device path for the host, e.g. /dev/pts/7.
  const std::string& device() const { return pty_->slave_path(); }

  void SetFaults(const Faults& faults) ABSL_LOCKS_EXCLUDED(mu_);
  // Stops answering (the host must notice by itself).
  void SetSilent(bool silent);
  // Closes the pseudo-terminal: the device disappears.
  void Disconnect();

  // Commands accepted for execution, in order.
  std::vector<std::string> Accepted() ABSL_LOCKS_EXCLUDED(mu_);
  // Every byte received, in order, for wire-order checks.
  std::string Received() ABSL_LOCKS_EXCLUDED(mu_);

 protected:
  FirmwareSim() = default;
  // Creates the pty and starts the thread; call from the subclass constructor.
  bool Begin();
  // Stops the thread; call from the subclass destructor.
  void Finish();
  // Handles received bytes; calls Send() for replies.
  virtual void OnBytes(absl::string_view bytes) = 0;
  // Called about every 10 ms for status or temperature reports.
  virtual void OnTick() {}
  void Send(absl::string_view text);
  void Accept(const std::string& command) ABSL_LOCKS_EXCLUDED(mu_);
  bool ShouldCorrupt() ABSL_LOCKS_EXCLUDED(mu_);
  bool ShouldDropOk() ABSL_LOCKS_EXCLUDED(mu_);
  void Corrupt(std::string& line) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Loop() ABSL_LOCKS_EXCLUDED(mu_);

  std::optional<serial::Pty> pty_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> silent_{false};
  std::atomic<bool> disconnected_{false};
  std::thread thread_;
  Mutex mu_;
  Faults faults_ ABSL_GUARDED_BY(mu_);
  std::mt19937 rng_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> accepted_ ABSL_GUARDED_BY(mu_);
  std::string received_ ABSL_GUARDED_BY(mu_);
};

}  // namespace werkbank::sim

#endif  // WERKBANK_DRIVERS_SIM_FIRMWARE_SIM_H_
