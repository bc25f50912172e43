// SPDX-License-Identifier: EUPL-1.2
// Trainings RPCs -> access::Trainings.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "status.h"

namespace werkbank::api {

grpc::Status TrainingsService::RecordBriefing(
    grpc::ServerContext* ctx, const v1::RecordBriefingRequest* req,
    v1::Briefing* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Trainings/RecordBriefing");
  access::NewBriefing nb;
  nb.machine_class = req->machine_class();
  if (req->has_held_at()) {
    auto t = FromProto(req->held_at(), true, "held_at");
    if (!t.ok()) return ToGrpcStatus(t.status());
    nb.held_at = *t;
  }
  nb.participant_logins.assign(req->participant_logins().begin(),
                               req->participant_logins().end());
  nb.note = req->note();
  auto b = domain_.trainings.RecordBriefing(actor, nb);
  if (!b.ok()) return ToGrpcStatus(b.status());
  *resp = ToProto(*b);
  return grpc::Status::OK;
}

grpc::Status TrainingsService::ListBriefings(
    grpc::ServerContext* ctx, const v1::ListBriefingsRequest* req,
    v1::ListBriefingsResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Trainings/ListBriefings");
  auto all = domain_.trainings.ListBriefings(actor, req->machine_class());
  if (!all.ok()) return ToGrpcStatus(all.status());
  for (const auto& b : *all) *resp->add_briefings() = ToProto(b);
  return grpc::Status::OK;
}

grpc::Status TrainingsService::ListQualifications(
    grpc::ServerContext* ctx, const v1::ListQualificationsRequest* req,
    v1::ListQualificationsResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Trainings/ListQualifications");
  auto all = domain_.trainings.ListQualifications(actor, req->login(),
                                                  req->include_invalid());
  if (!all.ok()) return ToGrpcStatus(all.status());
  for (const auto& q : *all) *resp->add_qualifications() = ToProto(q);
  return grpc::Status::OK;
}

grpc::Status TrainingsService::RevokeQualification(
    grpc::ServerContext* ctx, const v1::RevokeQualificationRequest* req,
    v1::Qualification* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Trainings/RevokeQualification");
  auto q =
      domain_.trainings.RevokeQualification(actor, req->id(), req->reason());
  if (!q.ok()) return ToGrpcStatus(q.status());
  domain_.machines.QualificationWithdrawn(q->record.user_id,
                                          q->record.machine_class);
  *resp = ToProto(*q);
  return grpc::Status::OK;
}

}  // namespace werkbank::api
