// SPDX-License-Identifier: EUPL-1.2
// Monitor RPC: a live view of every machine for staff and trainers.
//
// WatchLab sends a snapshot as soon as something a person would see changes
// (the machines' ChangeSignal), at most one per kCoalesce so that a
// streaming job cannot flood the stream, and at the requested interval when
// nothing changes, so that a client knows the stream is alive. The handler
// wakes at least every kSessionCheck to end with its session.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "status.h"

namespace werkbank::api {
namespace {

constexpr absl::Duration kCoalesce = absl::Milliseconds(50);
constexpr absl::Duration kSessionCheck = absl::Milliseconds(100);

}  // namespace

grpc::Status MonitorService::WatchLab(
    grpc::ServerContext* ctx, const v1::WatchLabRequest* req,
    grpc::ServerWriter<v1::LabSnapshot>* writer) {
  WERKBANK_AUTHORIZE(actor, ctx, "Monitor/WatchLab");
  WERKBANK_OPEN_STREAM(stream, actor, ctx, /*cancel_at_once=*/false);
  const absl::Duration keep_alive = absl::Milliseconds(std::clamp(
      req->min_interval_ms() == 0 ? 500 : req->min_interval_ms(), 100, 60000));
  machines::ChangeSignal& changes = domain_.machines.changes();
  while (!ctx->IsCancelled()) {
    // Read before the snapshot: a change while it is built wakes us again.
    const uint64_t seen = changes.version();
    v1::LabSnapshot snapshot;
    const absl::Time now = domain_.clock.Now();
    *snapshot.mutable_at() = ToProto(now);
    for (const auto& m : domain_.machines.Snapshots()) {
      *snapshot.add_machines() = ToProto(m);
      if (m.job) *snapshot.add_jobs() = ToProto(*m.job, now);
    }
    if (!writer->Write(snapshot)) break;
    const absl::Time sent = absl::Now();
    bool changed = false;
    while (!changed && absl::Now() < sent + keep_alive) {
      if (auto s = stream.ended(); !s.ok()) return ToGrpcStatus(s);
      if (ctx->IsCancelled()) return grpc::Status::OK;
      changed = changes.WaitNewerThan(
                    seen, std::min(sent + keep_alive,
                                   absl::Now() + kSessionCheck)) > seen;
    }
    // Coalesce: what else changes meanwhile goes into the same snapshot.
    const absl::Duration rest = sent + kCoalesce - absl::Now();
    if (auto s = stream.WaitFor(std::max(rest, absl::ZeroDuration()));
        !s.ok()) {
      return ToGrpcStatus(s);  // the session ended
    }
  }
  return grpc::Status::OK;
}

}  // namespace werkbank::api
