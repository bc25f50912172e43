// SPDX-License-Identifier: EUPL-1.2
// Jobs RPCs -> machines::JobService; WatchJob streams progress.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "status.h"

namespace werkbank::api {
namespace {

template <typename Response>
grpc::Status Answer(const absl::StatusOr<machines::JobView>& view,
                    Response* resp) {
  if (!view.ok()) return ToGrpcStatus(view.status());
  *resp = ToProto(*view);
  return grpc::Status::OK;
}

bool Finished(store::JobState s) {
  return s != store::JobState::kRunning && s != store::JobState::kPaused &&
         s != store::JobState::kQueued;
}

}  // namespace

grpc::Status JobsService::UploadJob(
    grpc::ServerContext* ctx, grpc::ServerReader<v1::UploadJobRequest>* reader,
    v1::Job* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/UploadJob");
  WERKBANK_OPEN_STREAM(stream, actor, ctx, /*cancel_at_once=*/true);
  v1::UploadJobRequest msg;
  if (!reader->Read(&msg) || !msg.has_header()) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        "the first message of an upload is its header (machine, file name)");
  }
  const v1::UploadHeader header = msg.header();
  // The chunks go to disk as they arrive; only one is in memory at a time.
  auto upload =
      domain_.jobs.BeginUpload(actor, header.machine_id(), header.file_name());
  if (!upload.ok()) return ToGrpcStatus(upload.status());
  while (reader->Read(&msg)) {
    if (!msg.has_chunk()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "only one header per upload");
    }
    if (auto s = (*upload)->Append(msg.chunk()); !s.ok())
      return ToGrpcStatus(s);
    stream.Touch();
  }
  if (auto s = stream.ended(); !s.ok()) return ToGrpcStatus(s);
  return Answer(
      domain_.jobs.FinishUpload(actor, header.machine_id(), header.file_name(),
                                **upload, header.dry_run_on_machine()),
      resp);
}

grpc::Status JobsService::GetJob(grpc::ServerContext* ctx,
                                 const v1::GetJobRequest* req, v1::Job* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/GetJob");
  return Answer(domain_.jobs.Get(actor, req->id()), resp);
}

grpc::Status JobsService::ListJobs(grpc::ServerContext* ctx,
                                   const v1::ListJobsRequest* req,
                                   v1::ListJobsResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/ListJobs");
  auto jobs = domain_.jobs.List(actor, req->machine_id(), req->all_users());
  if (!jobs.ok()) return ToGrpcStatus(jobs.status());
  for (const auto& j : *jobs) *resp->add_jobs() = ToProto(j);
  return grpc::Status::OK;
}

grpc::Status JobsService::StartJob(grpc::ServerContext* ctx,
                                   const v1::StartJobRequest* req,
                                   v1::Job* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/StartJob");
  std::vector<std::string> confirmed(req->confirmed_interlocks().begin(),
                                     req->confirmed_interlocks().end());
  return Answer(domain_.jobs.Start(actor, req->id(), confirmed), resp);
}

grpc::Status JobsService::PauseJob(grpc::ServerContext* ctx,
                                   const v1::PauseJobRequest* req,
                                   v1::Job* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/PauseJob");
  return Answer(domain_.jobs.Pause(actor, req->id()), resp);
}

grpc::Status JobsService::ResumeJob(grpc::ServerContext* ctx,
                                    const v1::ResumeJobRequest* req,
                                    v1::Job* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/ResumeJob");
  return Answer(domain_.jobs.Resume(actor, req->id()), resp);
}

grpc::Status JobsService::CancelJob(grpc::ServerContext* ctx,
                                    const v1::CancelJobRequest* req,
                                    v1::Job* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/CancelJob");
  return Answer(domain_.jobs.Cancel(actor, req->id(), req->reason()), resp);
}

grpc::Status JobsService::WatchJob(
    grpc::ServerContext* ctx, const v1::WatchJobRequest* req,
    grpc::ServerWriter<v1::JobProgress>* writer) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/WatchJob");
  WERKBANK_OPEN_STREAM(stream, actor, ctx, /*cancel_at_once=*/false);
  auto job = domain_.jobs.Get(actor, req->id());
  if (!job.ok()) return ToGrpcStatus(job.status());
  while (!ctx->IsCancelled()) {
    auto view = domain_.jobs.Get(actor, req->id());
    if (!view.ok()) return ToGrpcStatus(view.status());
    v1::JobProgress progress;
    progress.set_job_id(req->id());
    progress.set_state(static_cast<v1::JobState>(view->record.state));
    progress.set_lines_total(view->record.line_count);
    progress.set_lines_done(view->record.lines_done);
    for (const auto& m : domain_.machines.Snapshots()) {
      if (m.job && m.job->job_id == req->id()) {
        progress = ToProto(*m.job, domain_.clock.Now());
        progress.set_state(static_cast<v1::JobState>(view->record.state));
      }
    }
    if (Finished(view->record.state)) {
      progress.set_message(view->record.end_reason);
      if (view->record.state == store::JobState::kCompleted)
        progress.set_percent(100);
      writer->Write(progress);
      return grpc::Status::OK;
    }
    if (!writer->Write(progress)) return grpc::Status::OK;
    if (auto s = stream.WaitFor(absl::Milliseconds(250)); !s.ok()) {
      return ToGrpcStatus(s);  // the session ended
    }
  }
  return grpc::Status::OK;
}

}  // namespace werkbank::api
