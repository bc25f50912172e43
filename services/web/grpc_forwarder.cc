// SPDX-License-Identifier: EUPL-1.2
// In-process forwarding to the gRPC server; see grpc_forwarder.h.
#include "grpc_forwarder.h"

#include <grpcpp/support/byte_buffer.h>

namespace werkbank::web {
namespace {

grpc::ByteBuffer ToByteBuffer(const std::string& wire) {
  grpc::Slice slice(wire);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromByteBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const auto& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

}  // namespace

Forwarder::Forwarder(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)), stub_(channel_) {}

std::shared_ptr<ForwardedCall> Forwarder::Start(
    const std::string& grpc_path, const std::optional<std::string>& token,
    CallHandlers handlers, const std::optional<std::string>& single_request) {
  std::shared_ptr<ForwardedCall> call(
      new ForwardedCall(*this, std::move(handlers)));
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return nullptr;
    live_.emplace(call.get(), call);
  }
  call->self_ = call;
  if (token) call->context_.AddMetadata("authorization", "Bearer " + *token);
  stub_.PrepareBidiStreamingCall(&call->context_, grpc_path,
                                 grpc::StubOptions(), call.get());
  if (single_request) {
    call->out_ = ToByteBuffer(*single_request);
    call->StartWriteLast(&call->out_, grpc::WriteOptions());
  } else {
    // Until the caller's last write, so that no write comes after OnDone.
    absl::MutexLock lock(&call->write_mu_);
    call->held_ = true;
    call->AddHold();
  }
  call->StartRead(&call->in_);
  call->StartCall();
  return call;
}

void Forwarder::Shutdown() {
  std::vector<std::shared_ptr<ForwardedCall>> running;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    for (auto& [raw, weak] : live_) {
      if (auto call = weak.lock()) running.push_back(std::move(call));
    }
  }
  // Outside the lock: a cancelled call may finish on this very thread.
  for (auto& call : running) call->Cancel();
  running.clear();
  absl::MutexLock lock(&mu_);
  using Live = std::map<ForwardedCall*, std::weak_ptr<ForwardedCall>>;
  mu_.Await(absl::Condition(
      +[](Live* live) { return live->empty(); }, &live_));
}

void Forwarder::Finished(ForwardedCall* call) {
  absl::MutexLock lock(&mu_);
  live_.erase(call);
}

void ForwardedCall::Write(const std::string& wire) {
  absl::MutexLock lock(&write_mu_);
  if (!held_) return;
  out_ = ToByteBuffer(wire);
  StartWrite(&out_);
}

void ForwardedCall::WritesDone() {
  absl::MutexLock lock(&write_mu_);
  if (!held_) return;
  StartWritesDone();
  held_ = false;
  RemoveHold();
}

void ForwardedCall::Cancel() {
  context_.TryCancel();
  ReleaseHold();
}

void ForwardedCall::ReleaseHold() {
  absl::MutexLock lock(&write_mu_);
  if (!held_) return;
  held_ = false;
  RemoveHold();
}

void ForwardedCall::OnReadDone(bool ok) {
  if (!ok) return;
  handlers_.on_message(FromByteBuffer(in_));
  StartRead(&in_);
}

void ForwardedCall::OnWriteDone(bool ok) {
  if (handlers_.on_write_done) handlers_.on_write_done(ok);
}

void ForwardedCall::OnWritesDoneDone(bool) {}

void ForwardedCall::OnDone(const grpc::Status& status) {
  handlers_.on_done(status);
  handlers_ = {};
  owner_.Finished(this);
  self_.reset();  // may delete this
}

}  // namespace werkbank::web
