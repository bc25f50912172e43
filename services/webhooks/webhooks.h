// SPDX-License-Identifier: EUPL-1.2
// Events out: the lab's events, POSTed as signed JSON to the configured
// webhook endpoints.
//
//   Publish() ──▶ hand-off (bounded, in memory) ──▶ store thread ──▶ outbox
//                                                     (SQLite, per endpoint)
//                                                            │
//                       one delivery thread per endpoint ◀───┘
//                       in order; retried with backoff until a 2xx
//
// Publish() only appends to the hand-off under a short lock, so a machine
// never waits for the disk or the network. The store thread writes each
// event into the outbox once per endpoint that wants it (and the booking
// reminders, once a minute); an event leaves the outbox only after its
// endpoint answered 2xx, so nothing is lost across a restart. Past
// max_outbox events per endpoint the oldest are dropped; an event older than
// the retry policy's give_up is given up. Both are logged and audited.
//
// Thread-safe.
#ifndef WERKBANK_SERVICES_WEBHOOKS_WEBHOOKS_H_
#define WERKBANK_SERVICES_WEBHOOKS_WEBHOOKS_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "base/mutex.h"
#include "http_post.h"
#include "retry_policy.h"
#include "services/common/clock.h"
#include "services/config/webhooks_config.h"
#include "services/events/event_sink.h"
#include "services/store/store.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::webhooks {

class Webhooks : public events::EventSink {
 public:
  struct Options {
    RetryPolicy retry;
    int64_t max_outbox = 10000;  // per endpoint
    size_t max_handoff = 10000;  // events not yet stored
    // Makes each endpoint's client; default: BeastPoster (5 s timeouts).
    std::function<std::unique_ptr<HttpPoster>()> poster;
    // Told of failed deliveries, drops and overflows; the daemon logs it.
    std::function<void(const std::string&)> report;
  };

  // Reads every endpoint's secret and starts the threads. FAILED_PRECONDITION
  // naming the endpoint when a secret file cannot be read.
  static absl::StatusOr<std::unique_ptr<Webhooks>> Start(
      const v1::Config& config, store::Store& store, const Clock& clock,
      Options options);
  // Stores what is still handed off, then stops the threads (a delivery in
  // flight ends within its timeout). What was not delivered stays queued.
  ~Webhooks() override ABSL_LOCKS_EXCLUDED(mu_);

  void Publish(events::Event event) override ABSL_LOCKS_EXCLUDED(mu_);

  // Events refused because the hand-off was full (for tests and the log).
  int64_t overflowed() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Endpoint {
    v1::WebhookConfig config;
    config::WebhookUrl url;
    std::string secret;
    std::set<int> wants;  // empty: every event
    std::unique_ptr<HttpPoster> poster;
    std::thread thread;
    bool Wants(events::Kind kind) const {
      return wants.empty() || wants.contains(kind);
    }
  };

  Webhooks(const v1::Config& config, store::Store& store, const Clock& clock,
           Options options);
  void StoreLoop() ABSL_LOCKS_EXCLUDED(mu_);
  // Writes `batch` into the outbox (and trims it); false if the database
  // refused, the batch untouched.
  bool StoreBatch(const std::vector<events::Event>& batch);
  void QueueReminders(absl::Time now);
  void DeliverLoop(Endpoint& endpoint) ABSL_LOCKS_EXCLUDED(mu_);
  // One attempt at the endpoint's oldest waiting delivery. Returns when to
  // look again (InfinitePast: at once; InfiniteFuture: when woken).
  absl::Time DeliverNext(Endpoint& endpoint);
  // Waits until `until`, a wake-up or the stop (at most a second, so that
  // a moved clock is noticed).
  void WaitUntil(absl::Time until, uint64_t seen) ABSL_LOCKS_EXCLUDED(mu_);
  void Wake() ABSL_LOCKS_EXCLUDED(mu_);
  void Report(const std::string& line);

  const v1::Config& config_;
  store::Store& store_;
  const Clock& clock_;
  const Options options_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;

  Mutex mu_;
  std::deque<events::Event> handoff_ ABSL_GUARDED_BY(mu_);
  int64_t overflowed_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // moves on every wake-up
  bool stop_store_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_delivery_ ABSL_GUARDED_BY(mu_) = false;
  std::thread store_thread_;
};

}  // namespace werkbank::webhooks

#endif  // WERKBANK_SERVICES_WEBHOOKS_WEBHOOKS_H_
