// SPDX-License-Identifier: EUPL-1.2
// The hand-off, the outbox writer and the delivery workers; see webhooks.h.
#include "webhooks.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "payload.h"
#include "reminders.h"
#include "services/audit/audit_log.h"
#include "signature.h"

namespace werkbank::webhooks {
namespace {

// How long a worker sleeps at most before it looks again: a moved clock
// or a database that failed is noticed within this.
constexpr absl::Duration kLookAgain = absl::Seconds(1);

}  // namespace

absl::StatusOr<std::unique_ptr<Webhooks>> Webhooks::Start(
    const v1::Config& config, store::Store& store, const Clock& clock,
    Options options) {
  std::unique_ptr<Webhooks> w(
      new Webhooks(config, store, clock, std::move(options)));
  for (const v1::WebhookConfig& c : config.webhooks()) {
    auto e = std::make_unique<Endpoint>();
    e->config = c;
    auto url = config::ParseWebhookUrl(c.url());
    if (!url.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("webhook ", c.name(), ": ", url.status().message()));
    }
    e->url = *url;
    auto secret = config::WebhookSecret(c);
    if (!secret.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("webhook ", c.name(), ": ", secret.status().message()));
    }
    e->secret = *secret;
    for (int kind : c.events()) e->wants.insert(kind);
    e->poster = w->options_.poster ? w->options_.poster()
                                   : std::make_unique<BeastPoster>();
    w->endpoints_.push_back(std::move(e));
  }
  w->store_thread_ = std::thread([p = w.get()] { p->StoreLoop(); });
  for (auto& e : w->endpoints_) {
    e->thread =
        std::thread([p = w.get(), ep = e.get()] { p->DeliverLoop(*ep); });
  }
  return w;
}

Webhooks::Webhooks(const v1::Config& config, store::Store& store,
                   const Clock& clock, Options options)
    : config_(config),
      store_(store),
      clock_(clock),
      options_(std::move(options)) {}

Webhooks::~Webhooks() {
  {
    MutexLock lock(&mu_);
    stop_store_ = true;
  }
  if (store_thread_.joinable()) store_thread_.join();
  {
    MutexLock lock(&mu_);
    stop_delivery_ = true;
    ++generation_;
  }
  for (auto& e : endpoints_) {
    if (e->thread.joinable()) e->thread.join();
  }
}

void Webhooks::Publish(events::Event event) {
  const bool wanted =
      std::any_of(endpoints_.begin(), endpoints_.end(),
                  [&](const auto& e) { return e->Wants(event.kind); });
  if (!wanted) return;
  MutexLock lock(&mu_);
  if (handoff_.size() >= options_.max_handoff) {
    ++overflowed_;  // reported by the store thread, never from here
    return;
  }
  handoff_.push_back(std::move(event));
}

int64_t Webhooks::overflowed() {
  MutexLock lock(&mu_);
  return overflowed_;
}

void Webhooks::Report(const std::string& line) {
  if (options_.report) options_.report(line);
}

void Webhooks::Wake() {
  MutexLock lock(&mu_);
  ++generation_;
}

void Webhooks::StoreLoop() {
  absl::Time next_reminders = absl::InfinitePast();
  int64_t overflow_reported = 0;
  int failures = 0;
  while (true) {
    std::vector<events::Event> batch;
    bool stopping = false;
    int64_t overflow = 0;
    {
      MutexLock lock(&mu_);
      auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !handoff_.empty() || stop_store_;
      };
      mu_.AwaitWithDeadline(absl::Condition(&has_work),
                            absl::Now() + kLookAgain);
      batch.assign(std::make_move_iterator(handoff_.begin()),
                   std::make_move_iterator(handoff_.end()));
      handoff_.clear();
      stopping = stop_store_;
      overflow = overflowed_;
    }
    if (overflow > overflow_reported) {
      Report(absl::StrCat("webhooks: ", overflow - overflow_reported,
                          " events were not queued: more than ",
                          options_.max_handoff,
                          " were waiting for the database"));
      overflow_reported = overflow;
    }
    if (!batch.empty()) {
      if (!StoreBatch(batch)) {
        {
          MutexLock lock(&mu_);
          handoff_.insert(handoff_.begin(),
                          std::make_move_iterator(batch.begin()),
                          std::make_move_iterator(batch.end()));
        }
        if (stopping && ++failures > 25) {
          Report(absl::StrCat("webhooks: ", batch.size(),
                              " events could not be stored before the stop; "
                              "they are lost"));
          return;
        }
        absl::SleepFor(absl::Milliseconds(200));
        continue;
      }
      failures = 0;
      Wake();
    }
    const absl::Time now = clock_.Now();
    if (!stopping && now >= next_reminders) {
      next_reminders = now + absl::Minutes(1);
      QueueReminders(now);
    }
    if (stopping) {
      MutexLock lock(&mu_);
      if (handoff_.empty()) return;
    }
  }
}

bool Webhooks::StoreBatch(const std::vector<events::Event>& batch) {
  std::vector<std::string> dropped;
  absl::Status s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    dropped.clear();
    std::set<std::string> touched;
    for (const events::Event& event : batch) {
      const std::string body = PayloadBody(event, config_.lab_name());
      for (const auto& e : endpoints_) {
        if (!e->Wants(event.kind)) continue;
        store::WebhookDeliveryRecord d;
        d.endpoint = e->config.name();
        d.event = config::WebhookEventName(event.kind);
        d.body = body;
        d.created_at = event.time;
        d.next_attempt_at = event.time;
        auto id = tx.InsertWebhookDelivery(d);
        if (!id.ok()) return id.status();
        touched.insert(d.endpoint);
      }
    }
    for (const std::string& endpoint : touched) {
      auto n = tx.TrimWebhookDeliveries(endpoint, options_.max_outbox);
      if (!n.ok()) return n.status();
      if (*n == 0) continue;
      const std::string why = absl::StrCat(
          *n, " undelivered events dropped, the oldest first: more than ",
          options_.max_outbox, " were waiting");
      auto a = audit::Append(tx,
                             {"system", "webhook.dropped",
                              absl::StrCat("webhook/", endpoint), why},
                             clock_.Now());
      if (!a.ok()) return a.status();
      dropped.push_back(absl::StrCat("webhook ", endpoint, ": ", why));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) {
    Report(absl::StrCat("webhooks: cannot store ", batch.size(),
                        " events yet: ", s.message()));
    return false;
  }
  for (const auto& line : dropped) Report(line);
  return true;
}

void Webhooks::QueueReminders(absl::Time now) {
  std::vector<ReminderTarget> targets;
  for (const auto& e : endpoints_) {
    if (e->Wants(v1::WebhookConfig::BOOKING_REMINDER)) {
      targets.push_back(
          {e->config.name(), absl::Minutes(e->config.reminder_minutes())});
    }
  }
  if (targets.empty()) return;
  int queued = 0;
  absl::Status s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    auto n = QueueBookingReminders(tx, config_, targets, now);
    if (!n.ok()) return n.status();
    queued = *n;
    return absl::OkStatus();
  });
  if (!s.ok()) {
    Report(absl::StrCat("webhooks: booking reminders failed: ", s.message()));
  } else if (queued > 0) {
    Wake();
  }
}

void Webhooks::DeliverLoop(Endpoint& endpoint) {
  while (true) {
    uint64_t seen = 0;
    {
      MutexLock lock(&mu_);
      if (stop_delivery_) return;
      seen = generation_;
    }
    const absl::Time next = DeliverNext(endpoint);
    if (next == absl::InfinitePast()) continue;
    WaitUntil(next, seen);
  }
}

void Webhooks::WaitUntil(absl::Time until, uint64_t seen) {
  const absl::Duration left = until - clock_.Now();
  const absl::Time deadline = absl::Now() + std::min(left, kLookAgain);
  MutexLock lock(&mu_);
  auto woken = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return generation_ != seen || stop_delivery_;
  };
  mu_.AwaitWithDeadline(absl::Condition(&woken), deadline);
}

absl::Time Webhooks::DeliverNext(Endpoint& endpoint) {
  const std::string& name = endpoint.config.name();
  std::vector<store::WebhookDeliveryRecord> head;
  absl::Status read = store_.Read([&](store::Transaction& tx) -> absl::Status {
    auto list = tx.ListWebhookDeliveries(name, 1);
    if (!list.ok()) return list.status();
    head = std::move(*list);
    return absl::OkStatus();
  });
  if (!read.ok()) return clock_.Now() + kLookAgain;
  if (head.empty()) return absl::InfiniteFuture();
  const store::WebhookDeliveryRecord& d = head.front();
  const absl::Time now = clock_.Now();
  if (d.next_attempt_at > now) return d.next_attempt_at;
  if (d.attempts > 0 && options_.retry.GivesUp(d.created_at, now)) {
    const std::string why =
        absl::StrCat("gave up on delivery ", d.id, " (", d.event, ") after ",
                     d.attempts, " attempts since ", Rfc3339Utc(d.created_at));
    absl::Status s = store_.Write([&](store::Transaction& tx) -> absl::Status {
      if (auto del = tx.DeleteWebhookDelivery(d.id); !del.ok()) return del;
      return audit::Append(tx,
                           {"system", "webhook.gave_up",
                            absl::StrCat("webhook/", name), why},
                           now)
          .status();
    });
    if (!s.ok()) return now + kLookAgain;
    Report(absl::StrCat("webhook ", name, ": ", why));
    return absl::InfinitePast();
  }

  const std::string body = WithId(d.id, d.body);
  const int64_t timestamp = absl::ToUnixSeconds(now);
  const Headers headers = {{"X-Werkbank-Event", d.event},
                           {"X-Werkbank-Delivery", absl::StrCat(d.id)},
                           {"X-Werkbank-Timestamp", absl::StrCat(timestamp)},
                           {"X-Werkbank-Signature",
                            SignatureHeader(endpoint.secret, timestamp, body)}};
  const absl::StatusOr<int> answer =
      endpoint.poster->Post(endpoint.url, headers, body);
  if (answer.ok() && *answer >= 200 && *answer < 300) {
    // Delivered; should this delete fail, the event goes out again (at
    // least once, the receiver deduplicates by X-Werkbank-Delivery).
    absl::Status s = store_.Write(
        [&](store::Transaction& tx) { return tx.DeleteWebhookDelivery(d.id); });
    return s.ok() ? absl::InfinitePast() : clock_.Now() + kLookAgain;
  }
  const int attempts = d.attempts + 1;
  const absl::Time after = clock_.Now();
  const absl::Time next = options_.retry.NextAttempt(attempts, after);
  (void)store_.Write([&](store::Transaction& tx) {
    return tx.UpdateWebhookAttempt(d.id, attempts, next);
  });
  Report(absl::StrCat(
      "webhook ", name, ": delivery ", d.id, " (", d.event, ") failed: ",
      answer.ok() ? absl::StrCat("the receiver answered HTTP ", *answer)
                  : std::string(answer.status().message()),
      "; attempt ", attempts, ", next in ",
      absl::FormatDuration(next - after)));
  return next;
}

}  // namespace werkbank::webhooks
