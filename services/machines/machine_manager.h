// SPDX-License-Identifier: EUPL-1.2
// All machines of the lab, and the rules for unlocking them: a participant
// during their checked-in reservation with a valid qualification; a trainer
// during their workshop (whose participants may then run jobs); staff at
// any time. Every refusal says why.
//
// Thread-safe.
#ifndef WERKBANK_SERVICES_MACHINES_MACHINE_MANAGER_H_
#define WERKBANK_SERVICES_MACHINES_MACHINE_MANAGER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "machine_controller.h"

namespace werkbank::machines {

// Makes the connector for one machine from its config (serial device, or a
// simulator); supplied by the composition root.
using ConnectorFactory = std::function<Connector(const v1::MachineConfig&)>;

class MachineManager {
 public:
  // What the machines record goes through `records` (see
  // MachineController).
  MachineManager(const v1::Config& config, store::Store& store,
                 store::WriteQueue& records, const Clock& clock,
                 ConnectorFactory connectors,
                 MachineController::JobRecorder record_job);
  ~MachineManager();

  // Restores maintenance blocks, connects every machine and drives it to its
  // safe state. Returns once every machine has had its first connect.
  absl::Status Start();
  // Every machine publishes its events to `sink`; call before Start().
  void PublishEventsTo(events::EventSink* sink);

  // NOT_FOUND naming the lab's machines when `id` is unknown.
  absl::StatusOr<MachineController*> Find(const std::string& id);
  std::vector<MachineSnapshot> Snapshots();
  // Moves whenever something a person would see changes on any machine.
  ChangeSignal& changes() { return changes_; }

  // `reservation_id` 0: the caller's current reservation of the machine.
  absl::Status Unlock(const access::Actor& actor, const std::string& id,
                      int64_t reservation_id);
  // A session ended (logout or revocation): lock what it had unlocked.
  void SessionEnded(const std::string& token_hash);
  void UserSessionsEnded(int64_t user_id);
  // What an unlock rests on was withdrawn (docs/design.md, invariant 8).
  void ReservationWithdrawn(int64_t reservation_id);
  void QualificationWithdrawn(int64_t user_id,
                              const std::string& machine_class);
  // The daemon stops: every machine into its safe state (bounded wait each).
  void SafeStop(const std::string& why);

 private:
  absl::StatusOr<UnlockGrant> Grant(const access::Actor& actor,
                                    const v1::MachineConfig& machine,
                                    int64_t reservation_id);

  const v1::Config& config_;
  store::Store& store_;
  const Clock& clock_;
  ChangeSignal changes_;  // outlives the machines below
  std::map<std::string, std::unique_ptr<MachineController>> machines_;
};

}  // namespace werkbank::machines

#endif  // WERKBANK_SERVICES_MACHINES_MACHINE_MANAGER_H_
