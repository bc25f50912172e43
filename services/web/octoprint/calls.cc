// SPDX-License-Identifier: EUPL-1.2
// Gathered forwarded calls; see calls.h.
#include "calls.h"

#include <memory>

#include "absl/synchronization/mutex.h"

namespace werkbank::web::octoprint {
namespace {

struct Gather {
  absl::Mutex mu;
  std::vector<CallResult> results ABSL_GUARDED_BY(mu);
  size_t left ABSL_GUARDED_BY(mu) = 0;
  Poster post;
  CallsDone done;

  void Finish(size_t i, CallResult result) {
    std::vector<CallResult> all;
    {
      absl::MutexLock lock(&mu);
      results[i] = std::move(result);
      if (--left > 0) return;
      all = std::move(results);
    }
    post([done = std::move(done), all = std::move(all)]() mutable {
      done(std::move(all));
    });
  }
};

// One call's state: its first message, and whether it was cut short on
// purpose (a stream whose first message was all that was wanted).
struct One {
  absl::Mutex mu;
  std::optional<std::string> message ABSL_GUARDED_BY(mu);
  std::weak_ptr<ForwardedCall> call;
};

}  // namespace

void CallAll(Forwarder& forwarder, const std::string& key,
             std::vector<CallSpec> calls, Poster post, CallsDone done) {
  auto gather = std::make_shared<Gather>();
  {
    absl::MutexLock lock(&gather->mu);
    gather->results.resize(calls.size());
    gather->left = calls.size();
  }
  gather->post = std::move(post);
  gather->done = std::move(done);
  if (calls.empty()) {
    gather->post([gather] { gather->done({}); });
    return;
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    auto one = std::make_shared<One>();
    const bool first_only = calls[i].first_message_only;
    CallHandlers h;
    h.on_message = [one, first_only](std::string wire) {
      std::shared_ptr<ForwardedCall> cut;
      {
        absl::MutexLock lock(&one->mu);
        if (one->message) return;
        one->message = std::move(wire);
        if (first_only) cut = one->call.lock();
      }
      if (cut) cut->Cancel();
    };
    h.on_write_done = [](bool) {};
    h.on_done = [gather, one, i, first_only](grpc::Status status) {
      CallResult r;
      absl::MutexLock lock(&one->mu);
      if (first_only && one->message) status = grpc::Status::OK;
      r.status = status;
      if (status.ok()) r.wire = one->message.value_or("");
      gather->Finish(i, std::move(r));
    };
    auto call =
        forwarder.Start(calls[i].path, key, std::move(h), calls[i].wire);
    if (!call) {
      gather->Finish(i, {grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                      "werkbankd is stopping"),
                         ""});
      continue;
    }
    bool cut_now = false;
    {
      absl::MutexLock lock(&one->mu);
      one->call = call;
      cut_now = first_only && one->message.has_value();
    }
    if (cut_now) call->Cancel();
  }
}

}  // namespace werkbank::web::octoprint
