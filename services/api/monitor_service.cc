// SPDX-License-Identifier: EUPL-1.2
// Monitor RPC: a live view of every machine for staff and trainers.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "status.h"

namespace werkbank::api {

grpc::Status MonitorService::WatchLab(
    grpc::ServerContext* ctx, const v1::WatchLabRequest* req,
    grpc::ServerWriter<v1::LabSnapshot>* writer) {
  WERKBANK_AUTHORIZE(actor, ctx, "Monitor/WatchLab");
  WERKBANK_OPEN_STREAM(stream, actor, ctx, /*cancel_at_once=*/false);
  const int interval_ms = std::clamp(
      req->min_interval_ms() == 0 ? 500 : req->min_interval_ms(), 100, 60000);
  while (!ctx->IsCancelled()) {
    v1::LabSnapshot snapshot;
    const absl::Time now = domain_.clock.Now();
    *snapshot.mutable_at() = ToProto(now);
    for (const auto& m : domain_.machines.Snapshots()) {
      *snapshot.add_machines() = ToProto(m);
      if (m.job) *snapshot.add_jobs() = ToProto(*m.job, now);
    }
    if (!writer->Write(snapshot)) break;
    if (auto s = stream.WaitFor(absl::Milliseconds(interval_ms)); !s.ok()) {
      return ToGrpcStatus(s);  // the session ended
    }
  }
  return grpc::Status::OK;
}

}  // namespace werkbank::api
