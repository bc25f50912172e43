// SPDX-License-Identifier: EUPL-1.2
// Machines RPCs -> machines::MachineManager and its controllers.
#include "convert.h"
#include "printable.h"
#include "rpc_policy.h"
#include "services.h"
#include "services/common/validate.h"
#include "status.h"

namespace werkbank::api {
namespace {

// Runs `action` on the named machine, then answers with its snapshot.
template <typename Action>
grpc::Status OnMachine(Domain& domain, const std::string& id, v1::Machine* resp,
                       Action action) {
  auto machine = domain.machines.Find(id);
  if (!machine.ok()) return ToGrpcStatus(machine.status());
  if (absl::Status s = action(**machine); !s.ok()) return ToGrpcStatus(s);
  *resp = ToProto((*machine)->Snapshot());
  return grpc::Status::OK;
}

}  // namespace

grpc::Status MachinesService::ListMachines(grpc::ServerContext* ctx,
                                           const v1::ListMachinesRequest*,
                                           v1::ListMachinesResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/ListMachines");
  (void)actor;
  for (const auto& m : domain_.machines.Snapshots())
    *resp->add_machines() = ToProto(m);
  return grpc::Status::OK;
}

grpc::Status MachinesService::GetMachine(grpc::ServerContext* ctx,
                                         const v1::GetMachineRequest* req,
                                         v1::Machine* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/GetMachine");
  (void)actor;
  return OnMachine(domain_, req->id(), resp, [](machines::MachineController&) {
    return absl::OkStatus();
  });
}

grpc::Status MachinesService::Unlock(grpc::ServerContext* ctx,
                                     const v1::UnlockRequest* req,
                                     v1::Machine* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/Unlock");
  if (absl::Status s =
          domain_.machines.Unlock(actor, req->id(), req->reservation_id());
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  return OnMachine(domain_, req->id(), resp, [](machines::MachineController&) {
    return absl::OkStatus();
  });
}

grpc::Status MachinesService::Lock(grpc::ServerContext* ctx,
                                   const v1::LockRequest* req,
                                   v1::Machine* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/Lock");
  return OnMachine(domain_, req->id(), resp,
                   [&](machines::MachineController& m) {
                     return m.Lock(actor, "locked by its user");
                   });
}

grpc::Status MachinesService::Block(grpc::ServerContext* ctx,
                                    const v1::BlockRequest* req,
                                    v1::Machine* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/Block");
  if (auto s = validate::Text("reason", req->reason(), 500, true); !s.ok())
    return ToGrpcStatus(s);
  return OnMachine(domain_, req->id(), resp,
                   [&](machines::MachineController& m) {
                     return m.Block(actor, req->reason());
                   });
}

grpc::Status MachinesService::Unblock(grpc::ServerContext* ctx,
                                      const v1::UnblockRequest* req,
                                      v1::Machine* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/Unblock");
  return OnMachine(
      domain_, req->id(), resp,
      [&](machines::MachineController& m) { return m.Unblock(actor); });
}

grpc::Status MachinesService::AcknowledgeFault(
    grpc::ServerContext* ctx, const v1::AcknowledgeFaultRequest* req,
    v1::Machine* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/AcknowledgeFault");
  if (auto s = validate::Text("note", req->note(), 500, false); !s.ok())
    return ToGrpcStatus(s);
  return OnMachine(domain_, req->id(), resp,
                   [&](machines::MachineController& m) {
                     return m.AcknowledgeFault(actor, req->note());
                   });
}

grpc::Status MachinesService::EmergencyStop(grpc::ServerContext* ctx,
                                            const v1::EmergencyStopRequest* req,
                                            v1::Machine* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/EmergencyStop");
  // Nothing about a stop's text may refuse it: the reason is made printable
  // and short enough for the audit log instead of being validated.
  const std::string reason = Printable(req->reason(), 500);
  return OnMachine(domain_, req->id(), resp,
                   [&](machines::MachineController& m) {
                     return m.EmergencyStop(actor, reason);
                   });
}

grpc::Status MachinesService::ConfirmPresence(
    grpc::ServerContext* ctx, const v1::ConfirmPresenceRequest* req,
    v1::Machine* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/ConfirmPresence");
  return OnMachine(
      domain_, req->id(), resp,
      [&](machines::MachineController& m) { return m.ConfirmPresence(actor); });
}

grpc::Status MachinesService::ConfirmInterlock(
    grpc::ServerContext* ctx, const v1::ConfirmInterlockRequest*,
    v1::Machine*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/ConfirmInterlock");
  (void)actor;
  return grpc::Status(
      grpc::StatusCode::INVALID_ARGUMENT,
      "confirm interlocks without a sensor when starting a job "
      "(StartJobRequest.confirmed_interlocks, `werkbank job start --confirm`)");
}

}  // namespace werkbank::api
