// SPDX-License-Identifier: EUPL-1.2
// The lab's machines and the unlock rules; see machine_manager.h.
#include "machine_manager.h"

#include "absl/strings/str_cat.h"
#include "services/access/trainings.h"
#include "services/audit/audit_log.h"
#include "services/config/lookup.h"

namespace werkbank::machines {

MachineManager::MachineManager(const v1::Config& config, store::Store& store,
                               store::WriteQueue& records, const Clock& clock,
                               ConnectorFactory connectors,
                               MachineController::JobRecorder record_job)
    : config_(config), store_(store), clock_(clock) {
  for (const auto& m : config.machines()) {
    machines_[m.id()] = std::make_unique<MachineController>(
        m, config.jobs(), connectors(m), records, clock, record_job);
    machines_[m.id()]->NotifyChangesTo(&changes_);
  }
}

MachineManager::~MachineManager() = default;

absl::Status MachineManager::Start() {
  std::map<std::string, std::string> blocks;
  auto s = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto all = tx.ListMachineBlocks();
    if (!all.ok()) return all.status();
    for (const auto& b : *all) blocks[b.machine_id] = b.reason;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  for (auto& [id, m] : machines_) {
    auto block = blocks.find(id);
    m->Start(block == blocks.end() ? std::nullopt
                                   : std::optional<std::string>(block->second));
  }
  return absl::OkStatus();
}

void MachineManager::PublishEventsTo(events::EventSink* sink) {
  for (auto& [id, m] : machines_) m->PublishEventsTo(sink);
}

absl::StatusOr<MachineController*> MachineManager::Find(const std::string& id) {
  auto it = machines_.find(id);
  if (it == machines_.end()) {
    return absl::NotFoundError(
        absl::StrCat("unknown machine \"", id.substr(0, 40),
                     "\"; the lab has: ", config::MachineIds(config_)));
  }
  return it->second.get();
}

std::vector<MachineSnapshot> MachineManager::Snapshots() {
  std::vector<MachineSnapshot> out;
  for (auto& [id, m] : machines_) out.push_back(m->Snapshot());
  return out;
}

void MachineManager::SessionEnded(const std::string& token_hash) {
  for (auto& [id, m] : machines_) m->SessionEnded(token_hash);
}

void MachineManager::UserSessionsEnded(int64_t user_id) {
  for (auto& [id, m] : machines_) m->UserSessionsEnded(user_id);
}

void MachineManager::ReservationWithdrawn(int64_t reservation_id) {
  for (auto& [id, m] : machines_) {
    m->Withdraw(
        [&](const UnlockGrant& g) {
          return g.reservation_id == reservation_id;
        },
        absl::StrCat("reservation ", reservation_id, " was cancelled"));
  }
}

void MachineManager::QualificationWithdrawn(int64_t user_id,
                                            const std::string& machine_class) {
  for (auto& [id, m] : machines_) {
    if (m->config().machine_class() != machine_class) continue;
    m->Withdraw(
        [&](const UnlockGrant& g) {
          return g.user_id == user_id && g.qualification_based;
        },
        absl::StrCat("the unlocking person's qualification for ", machine_class,
                     " was revoked"));
  }
}

void MachineManager::SafeStop(const std::string& why) {
  for (auto& [id, m] : machines_) m->SafeStop(why);
}

absl::StatusOr<UnlockGrant> MachineManager::Grant(
    const access::Actor& actor, const v1::MachineConfig& machine,
    int64_t reservation_id) {
  const absl::Time now = clock_.Now();
  UnlockGrant grant{actor.user_id, actor.login, actor.token_hash};
  absl::Status status =
      store_.Read([&](store::Transaction& tx) -> absl::Status {
        // The caller's reservations of this machine that cover this moment.
        auto current =
            tx.FindOverlapping(machine.id(), now, now + absl::Microseconds(1));
        if (!current.ok()) return current.status();
        const store::ReservationRecord* mine = nullptr;
        for (const auto& r : *current) {
          if (r.owner_id == actor.user_id &&
              (reservation_id == 0 || r.id == reservation_id))
            mine = &r;
        }
        if (mine == nullptr) {
          if (actor.IsStaff()) {
            grant.until =
                now + absl::Minutes(config_.jobs().staff_unlock_minutes());
            return absl::OkStatus();
          }
          return absl::FailedPreconditionError(absl::StrCat(
              "you have no reservation of ", machine.id(),
              " right now; book one with `werkbank book`, then check in"));
        }
        if (mine->kind == store::ReservationKind::kMaintenance) {
          if (!actor.IsStaff())
            return absl::PermissionDeniedError("maintenance is for staff");
        } else if (mine->state != store::ReservationState::kCheckedIn) {
          return absl::FailedPreconditionError(
              absl::StrCat("check in to reservation ", mine->id,
                           " first (`werkbank checkin ", mine->id, "`)"));
        }
        if (mine->kind == store::ReservationKind::kPersonal &&
            !actor.IsTrainerOrStaff()) {
          if (auto q = access::CheckQualified(tx, actor.user_id,
                                              machine.machine_class(), now);
              !q.ok()) {
            return q;
          }
          grant.qualification_based = true;
        }
        grant.reservation_id = mine->id;
        grant.until = mine->end;
        grant.workshop = mine->kind == store::ReservationKind::kWorkshop;
        grant.participant_ids = mine->participant_ids;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return grant;
}

absl::Status MachineManager::Unlock(const access::Actor& actor,
                                    const std::string& id,
                                    int64_t reservation_id) {
  auto m = Find(id);
  if (!m.ok()) return m.status();
  auto grant = Grant(actor, (*m)->config(), reservation_id);
  if (!grant.ok()) {
    (void)store_.Write([&](store::Transaction& tx) {
      return audit::Append(tx,
                           {actor.login, "machine.unlock_refused",
                            absl::StrCat("machine/", id),
                            std::string(grant.status().message())},
                           clock_.Now())
          .status();
    });
    return grant.status();
  }
  return (*m)->Unlock(actor, *grant);
}

}  // namespace werkbank::machines
