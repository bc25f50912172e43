// SPDX-License-Identifier: EUPL-1.2
// PrintService RPCs -> print_service::ServiceQueue.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "status.h"

namespace werkbank::api {
namespace {

v1::ServiceRequest ToProto(const print_service::ServiceRequestView& v) {
  v1::ServiceRequest p;
  p.set_id(v.record.id);
  p.set_machine_class(v.record.machine_class);
  p.set_submitter_login(v.submitter_login);
  p.set_file_name(v.record.file_name);
  p.set_note(v.record.note);
  p.set_sha256(v.record.sha256);
  p.set_size_bytes(v.record.size_bytes);
  p.set_state(v.state);
  *p.mutable_preflight() = v.preflight;
  *p.mutable_created_at() = api::ToProto(v.record.created_at);
  if (v.record.decided_at) {
    *p.mutable_decided_at() = api::ToProto(*v.record.decided_at);
  }
  p.set_decline_reason(v.record.decline_reason);
  p.set_started_by_login(v.started_by_login);
  if (v.job) {
    p.set_job_id(v.job->id);
    p.set_machine_id(v.job->machine_id);
    p.set_job_state(static_cast<v1::JobState>(v.job->state));
    p.set_job_end_reason(v.job->end_reason);
  }
  return p;
}

grpc::Status Answer(
    const absl::StatusOr<print_service::ServiceRequestView>& view,
    v1::ServiceRequest* resp) {
  if (!view.ok()) return ToGrpcStatus(view.status());
  *resp = ToProto(*view);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status PrintServiceService::SubmitServiceRequest(
    grpc::ServerContext* ctx,
    grpc::ServerReader<v1::SubmitServiceRequestRequest>* reader,
    v1::ServiceRequest* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "PrintService/SubmitServiceRequest");
  WERKBANK_OPEN_STREAM(stream, actor, ctx, /*cancel_at_once=*/true);
  v1::SubmitServiceRequestRequest msg;
  if (!reader->Read(&msg) || !msg.has_header()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "the first message of a print request is its header "
                        "(machine class, file name, note)");
  }
  const v1::ServiceRequestHeader header = msg.header();
  // The chunks go to disk as they arrive, as for a job upload.
  auto upload = domain_.service_queue.BeginSubmit(
      actor, header.machine_class(), header.file_name(), header.note());
  if (!upload.ok()) return ToGrpcStatus(upload.status());
  while (reader->Read(&msg)) {
    if (!msg.has_chunk()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "only one header per print request");
    }
    if (auto s = (*upload)->Append(msg.chunk()); !s.ok())
      return ToGrpcStatus(s);
    stream.Touch();
  }
  if (auto s = stream.ended(); !s.ok()) return ToGrpcStatus(s);
  return Answer(domain_.service_queue.FinishSubmit(
                    actor, header.machine_class(), header.file_name(),
                    header.note(), **upload),
                resp);
}

grpc::Status PrintServiceService::ListServiceRequests(
    grpc::ServerContext* ctx, const v1::ListServiceRequestsRequest* req,
    v1::ListServiceRequestsResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "PrintService/ListServiceRequests");
  auto list = domain_.service_queue.List(actor, req->mine(), req->state(),
                                         req->machine_class());
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const auto& v : *list) *resp->add_requests() = ToProto(v);
  return grpc::Status::OK;
}

grpc::Status PrintServiceService::GetServiceRequest(
    grpc::ServerContext* ctx, const v1::GetServiceRequestRequest* req,
    v1::ServiceRequest* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "PrintService/GetServiceRequest");
  return Answer(domain_.service_queue.Get(actor, req->id()), resp);
}

grpc::Status PrintServiceService::StartServiceRequest(
    grpc::ServerContext* ctx, const v1::StartServiceRequestRequest* req,
    v1::ServiceRequest* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "PrintService/StartServiceRequest");
  std::vector<std::string> confirmed(req->confirmed_interlocks().begin(),
                                     req->confirmed_interlocks().end());
  return Answer(domain_.service_queue.Start(actor, req->id(), req->machine_id(),
                                            confirmed),
                resp);
}

grpc::Status PrintServiceService::DeclineServiceRequest(
    grpc::ServerContext* ctx, const v1::DeclineServiceRequestRequest* req,
    v1::ServiceRequest* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "PrintService/DeclineServiceRequest");
  return Answer(domain_.service_queue.Decline(actor, req->id(), req->reason()),
                resp);
}

grpc::Status PrintServiceService::WithdrawServiceRequest(
    grpc::ServerContext* ctx, const v1::WithdrawServiceRequestRequest* req,
    v1::ServiceRequest* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "PrintService/WithdrawServiceRequest");
  return Answer(domain_.service_queue.Withdraw(actor, req->id()), resp);
}

}  // namespace werkbank::api
