// SPDX-License-Identifier: EUPL-1.2
// Queued writes with retries; see write_queue.h.
#include "write_queue.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace werkbank::store {
namespace {

constexpr size_t kMaxBatch = 256;

// The database failing, as opposed to a body refusing: worth retrying.
bool DatabaseTrouble(const absl::Status& s) {
  return absl::IsUnavailable(s) || absl::IsInternal(s) ||
         absl::IsResourceExhausted(s) || absl::IsAborted(s) ||
         absl::IsDeadlineExceeded(s);
}

}  // namespace

WriteQueue::WriteQueue(Store& store, Options options)
    : store_(store), options_(std::move(options)) {
  thread_ = std::thread([this] { Loop(); });
}

WriteQueue::~WriteQueue() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
    give_up_at_ = absl::Now() + options_.drain;
  }
  thread_.join();
}

WriteQueue::Ticket WriteQueue::Enqueue(std::string what, WriteBody body) {
  MutexLock lock(&mu_);
  const Ticket ticket = ++last_ticket_;
  queue_.push_back({ticket, std::move(what), std::move(body)});
  return ticket;
}

absl::Status WriteQueue::WaitDurable(Ticket ticket, absl::Duration timeout) {
  MutexLock lock(&mu_);
  auto done = [this, ticket]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return done_through_ >= ticket;
  };
  if (!mu_.AwaitWithDeadline(absl::Condition(&done), absl::Now() + timeout)) {
    return absl::DeadlineExceededError(
        "the database is busy; the record is kept in order and will be "
        "written as soon as it is free");
  }
  auto it = dropped_.find(ticket);
  if (it == dropped_.end()) return absl::OkStatus();
  absl::Status refused = it->second;
  dropped_.erase(it);
  return refused;
}

size_t WriteQueue::pending() {
  MutexLock lock(&mu_);
  return queue_.size() + in_flight_;
}

int64_t WriteQueue::written() {
  MutexLock lock(&mu_);
  return written_;
}

bool WriteQueue::stalled() {
  MutexLock lock(&mu_);
  return stalled_;
}

void WriteQueue::Report(const std::string& message) {
  if (options_.report) options_.report(message);
}

void WriteQueue::Loop() {
  std::deque<Entry> batch;
  absl::Duration retry = options_.first_retry;
  std::optional<absl::Time> waiting_since;
  while (true) {
    {
      MutexLock lock(&mu_);
      if (batch.empty()) {
        auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return !queue_.empty() || stop_;
        };
        mu_.Await(absl::Condition(&has_work));
        if (queue_.empty()) return;  // stopping, and everything is written
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        in_flight_ = batch.size();
      }
    }
    const Ticket last = batch.back().ticket;
    int64_t written = 0;
    absl::Status trouble;
    if (WriteBatch(batch, &written, &trouble)) {
      MutexLock lock(&mu_);
      done_through_ = last;
      written_ += written;
      in_flight_ = 0;
      stalled_ = false;
      retry = options_.first_retry;
      if (waiting_since) {
        Report(absl::StrCat("records are written again after waiting ",
                            absl::FormatDuration(absl::Now() - *waiting_since),
                            " for the database"));
        waiting_since.reset();
      }
      continue;
    }
    // The database failed: keep the batch, wait, try again.
    if (!waiting_since) {
      waiting_since = absl::Now();
      Report(absl::StrCat("records wait for the database (", trouble.message(),
                          "); ", pending(), " kept in order, retrying"));
    }
    {
      MutexLock lock(&mu_);
      stalled_ = true;
      if (stop_ && absl::Now() >= give_up_at_) {
        Report(absl::StrCat("shutting down with ", queue_.size() + batch.size(),
                            " record(s) not written: the database stayed "
                            "unavailable (",
                            trouble.message(), ")"));
        const absl::Status lost = absl::UnavailableError(
            absl::StrCat("not written before shutdown: ", trouble.message()));
        for (const Entry& e : batch) dropped_[e.ticket] = lost;
        for (const Entry& e : queue_) dropped_[e.ticket] = lost;
        done_through_ = last_ticket_;
        queue_.clear();
        in_flight_ = 0;
        return;
      }
    }
    absl::SleepFor(retry);
    retry = std::min(retry * 2, options_.max_retry);
  }
}

bool WriteQueue::WriteBatch(std::deque<Entry>& batch, int64_t* written,
                            absl::Status* trouble) {
  while (!batch.empty()) {
    size_t refused_at = batch.size();
    absl::Status refused;
    absl::Status s = store_.Write([&](Transaction& tx) -> absl::Status {
      for (size_t i = 0; i < batch.size(); ++i) {
        absl::Status one;
        try {
          one = batch[i].body(tx);
        } catch (const std::exception& e) {
          one = absl::InternalError(absl::StrCat("error: ", e.what()));
        }
        if (!one.ok()) {
          refused_at = i;
          refused = one;
          return one;
        }
      }
      return absl::OkStatus();
    });
    if (s.ok()) {
      *written += static_cast<int64_t>(batch.size());
      batch.clear();
      return true;
    }
    if (refused_at == batch.size() || DatabaseTrouble(refused)) {
      *trouble = s;
      return false;
    }
    // This body refused by itself; retrying would not change its mind.
    Report(absl::StrCat("dropped the record \"", batch[refused_at].what,
                        "\": ", refused.message()));
    {
      MutexLock lock(&mu_);
      dropped_[batch[refused_at].ticket] = refused;
    }
    batch.erase(batch.begin() + static_cast<std::ptrdiff_t>(refused_at));
  }
  return true;
}

}  // namespace werkbank::store
