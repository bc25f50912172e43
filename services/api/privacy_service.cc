// SPDX-License-Identifier: EUPL-1.2
// Privacy RPCs -> privacy::Anonymiser and the personal data export.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "services/privacy/data_export.h"
#include "status.h"

namespace werkbank::api {

grpc::Status PrivacyService::ExportMyData(grpc::ServerContext* ctx,
                                          const v1::ExportMyDataRequest* req,
                                          v1::PersonalData* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Privacy/ExportMyData");
  auto data = privacy::ExportPersonalData(domain_.store, domain_.clock, actor,
                                          req->login());
  if (!data.ok()) return ToGrpcStatus(data.status());
  const std::string& login = data->user.login;
  *resp->mutable_exported_at() = ToProto(domain_.clock.Now());
  *resp->mutable_user() = ToProto(data->user);
  resp->set_has_password(!data->user.password_hash.empty());
  resp->set_has_pin(!data->user.pin_hash.empty());
  *resp->mutable_last_active_at() = ToProto(data->last_active_at);
  for (const auto& q : data->qualifications) {
    access::QualificationView view{q, login, "", false};
    view.valid = !q.revoked_at && q.expires_at > domain_.clock.Now();
    *resp->add_qualifications() = ToProto(view);
  }
  for (const auto& r : data->reservations) {
    booking::ReservationView view{
        r, r.owner_id == data->user.id ? login : "", {}};
    *resp->add_reservations() = ToProto(view);
  }
  for (const auto& j : data->jobs) {
    machines::JobView view{j, login, {}};
    (void)view.preflight.ParseFromString(j.preflight);
    *resp->add_jobs() = ToProto(view);
  }
  for (const auto& b : data->briefings_attended) {
    access::BriefingView view{b, "", {login}};
    *resp->add_briefings_attended() = ToProto(view);
  }
  for (const auto& e : data->audit_events)
    *resp->add_audit_events() = ToProto(e);
  return grpc::Status::OK;
}

grpc::Status PrivacyService::AnonymiseUser(grpc::ServerContext* ctx,
                                           const v1::AnonymiseUserRequest* req,
                                           v1::AnonymiseUserResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Privacy/AnonymiseUser");
  auto done =
      domain_.anonymiser.AnonymiseNow(actor, req->login(), req->reason());
  if (!done.ok()) return ToGrpcStatus(done.status());
  // Their sessions are gone: whatever they had unlocked locks.
  domain_.machines.UserSessionsEnded(done->user_id);
  resp->set_user_id(done->user_id);
  resp->set_audit_events_redacted(done->audit_events_redacted);
  return grpc::Status::OK;
}

}  // namespace werkbank::api
