// SPDX-License-Identifier: EUPL-1.2
// Privacy RPCs -> privacy::Anonymiser and the personal data export.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "services/privacy/data_export.h"
#include "status.h"

namespace werkbank::api {
namespace {

// As ApiKeys/ListApiKeys shows it: never the key or its hash.
v1::ApiKey ExportedKey(const store::ApiKeyRecord& k, const std::string& login) {
  v1::ApiKey out;
  out.set_id(k.id);
  out.set_owner_login(login);
  out.set_label(k.label);
  out.set_prefix(k.prefix);
  *out.mutable_created_at() = ToProto(k.created_at);
  if (k.last_used_at) *out.mutable_last_used_at() = ToProto(*k.last_used_at);
  if (k.revoked_at) *out.mutable_revoked_at() = ToProto(*k.revoked_at);
  return out;
}

// As PrintService shows it, without who started or declined it (another
// person); `jobs` are the person's, among them the request's job.
v1::ServiceRequest ExportedRequest(const store::ServiceRequestRecord& r,
                                   const std::string& login,
                                   const std::vector<store::JobRecord>& jobs) {
  std::optional<store::JobRecord> job;
  for (const store::JobRecord& j : jobs) {
    if (r.job_id != 0 && j.id == r.job_id) job = j;
  }
  v1::ServiceRequest p;
  p.set_id(r.id);
  p.set_machine_class(r.machine_class);
  p.set_submitter_login(login);
  p.set_file_name(r.file_name);
  p.set_note(r.note);
  p.set_sha256(r.sha256);
  p.set_size_bytes(r.size_bytes);
  p.set_state(print_service::ServiceQueue::StateOf(r, job));
  (void)p.mutable_preflight()->ParseFromString(r.preflight);
  *p.mutable_created_at() = ToProto(r.created_at);
  if (r.decided_at) *p.mutable_decided_at() = ToProto(*r.decided_at);
  p.set_decline_reason(r.decline_reason);
  if (job) {
    p.set_job_id(job->id);
    p.set_machine_id(job->machine_id);
    p.set_job_state(static_cast<v1::JobState>(job->state));
    p.set_job_end_reason(job->end_reason);
  }
  return p;
}

}  // namespace

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
  for (const auto& k : data->api_keys)
    *resp->add_api_keys() = ExportedKey(k, login);
  for (const auto& r : data->service_requests)
    *resp->add_service_requests() = ExportedRequest(r, login, data->jobs);
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
