// SPDX-License-Identifier: EUPL-1.2
// Forwards HTTP calls to the daemon's own gRPC server over its in-process
// channel, so that every call runs the very same service code, role table,
// stream limits and throttles as a gRPC client's. One generic streaming
// call carries unary, server-streaming and client-streaming methods alike;
// messages stay protobuf wire bytes here.
#ifndef WERKBANK_SERVICES_WEB_GRPC_FORWARDER_H_
#define WERKBANK_SERVICES_WEB_GRPC_FORWARDER_H_

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"

namespace werkbank::web {

// What a forwarded call reports. Called on gRPC's threads, one at a time
// per kind; on_done last and exactly once.
struct CallHandlers {
  std::function<void(std::string wire)> on_message;
  std::function<void(bool ok)> on_write_done;  // streaming requests only
  std::function<void(grpc::Status)> on_done;
};

class Forwarder;

class ForwardedCall
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  // For a streamed request: sends one message; wait for on_write_done
  // before the next. Ignored after WritesDone or Cancel.
  void Write(const std::string& wire);
  // The request stream is complete.
  void WritesDone();
  // After a failed write (the server ended the call): releases the call
  // so that on_done brings the server's status.
  void StopWriting() { ReleaseHold(); }
  // Ends the call (the client left, or the daemon stops); on_done follows
  // with CANCELLED unless the call had already ended. Safe to repeat.
  void Cancel();

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnWritesDoneDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  friend class Forwarder;
  ForwardedCall(Forwarder& owner, CallHandlers handlers)
      : owner_(owner), handlers_(std::move(handlers)) {}
  void ReleaseHold();

  Forwarder& owner_;
  CallHandlers handlers_;
  grpc::ClientContext context_;
  grpc::ByteBuffer in_, out_;
  // Whether the caller may still write; a write under this lock comes
  // before the hold is released, hence before OnDone.
  absl::Mutex write_mu_;
  bool held_ ABSL_GUARDED_BY(write_mu_) = false;
  // Keeps the call alive until OnDone, whoever else holds it.
  std::shared_ptr<ForwardedCall> self_;
};

class Forwarder {
 public:
  explicit Forwarder(std::shared_ptr<grpc::Channel> channel);

  // Starts `grpc_path` ("/werkbank.v1.Jobs/UploadJob") with `token` as its
  // bearer token. With `single_request`, that is the whole request stream
  // (unary and server-streaming methods); without, the caller writes it.
  // nullptr once Shutdown() began.
  std::shared_ptr<ForwardedCall> Start(
      const std::string& grpc_path, const std::optional<std::string>& token,
      CallHandlers handlers, const std::optional<std::string>& single_request);

  // Refuses new calls, cancels the running ones and waits for their end.
  void Shutdown();

 private:
  friend class ForwardedCall;
  void Finished(ForwardedCall* call);

  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::map<ForwardedCall*, std::weak_ptr<ForwardedCall>> live_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace werkbank::web

#endif  // WERKBANK_SERVICES_WEB_GRPC_FORWARDER_H_
