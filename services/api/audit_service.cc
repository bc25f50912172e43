// SPDX-License-Identifier: EUPL-1.2
// Audit RPCs -> audit log.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "services/audit/audit_log.h"
#include "status.h"

namespace werkbank::api {

grpc::Status AuditService::ListAuditEvents(
    grpc::ServerContext* ctx, const v1::ListAuditEventsRequest* req,
    v1::ListAuditEventsResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Audit/ListAuditEvents");
  (void)actor;
  if (req->limit() < 0 || req->limit() > 1000 || req->after_id() < 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "limit must be 0-1000 and after_id not negative");
  }
  if (req->subject_prefix().size() > 200) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "subject_prefix is too long");
  }
  const int limit = req->limit() == 0 ? 100 : req->limit();
  auto s = domain_.store.Read([&](store::Transaction& tx) -> absl::Status {
    auto events = tx.ListAudit(req->after_id(), limit, req->subject_prefix());
    if (!events.ok()) return events.status();
    for (const auto& e : *events) *resp->add_events() = ToProto(e);
    return absl::OkStatus();
  });
  return ToGrpcStatus(s);
}

grpc::Status AuditService::VerifyAuditChain(
    grpc::ServerContext* ctx, const v1::VerifyAuditChainRequest*,
    v1::VerifyAuditChainResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Audit/VerifyAuditChain");
  (void)actor;
  auto s = domain_.store.Read([&](store::Transaction& tx) -> absl::Status {
    auto result = audit::Verify(tx);
    if (!result.ok()) return result.status();
    resp->set_ok(result->ok);
    resp->set_events_checked(result->events_checked);
    resp->set_first_broken_id(result->first_broken_id);
    resp->set_problem(result->problem);
    return absl::OkStatus();
  });
  return ToGrpcStatus(s);
}

}  // namespace werkbank::api
