// SPDX-License-Identifier: EUPL-1.2
// Records that must not hold up the one who makes them. A machine's
// supervisor notes what happened (an interlock tripped, a job ended) and
// goes straight back to the machine; one thread writes the notes in the
// order they were queued. A busy or locked database only delays them: they
// are retried until they are durable and never reordered, so a stop never
// waits for the database (invariant 2) and is still recorded (invariant 6).
//
// A note whose own body refuses (a logic error, not the database) is dropped
// and reported; the database failing (busy, I/O, disk full) is retried.
//
// Thread-safe.
#ifndef WERKBANK_SERVICES_STORE_WRITE_QUEUE_H_
#define WERKBANK_SERVICES_STORE_WRITE_QUEUE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "base/mutex.h"
#include "store.h"

namespace werkbank::store {

class WriteQueue {
 public:
  using Ticket = uint64_t;

  struct Options {
    absl::Duration first_retry = absl::Milliseconds(20);
    absl::Duration max_retry = absl::Seconds(1);
    // How long the destructor keeps trying to write what is still queued.
    absl::Duration drain = absl::Seconds(10);
    // Told when writes have to wait for the database, when they get through
    // again, and of every write dropped; the daemon logs it.
    std::function<void(const std::string&)> report;
  };

  WriteQueue(Store& store, Options options);
  ~WriteQueue() ABSL_LOCKS_EXCLUDED(mu_);
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Queues `body` and returns at once, never waiting for the database.
  // `what` names the write in reports.
  Ticket Enqueue(std::string what, WriteBody body) ABSL_LOCKS_EXCLUDED(mu_);

  // Waits until the write `ticket` and every one queued before it are
  // durable. DEADLINE_EXCEEDED if `timeout` passes first (the write stays
  // queued); the body's own error if it was dropped.
  absl::Status WaitDurable(Ticket ticket, absl::Duration timeout)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Writes still waiting, and writes made durable so far (for tests, the
  // benchmark and the daemon's status).
  size_t pending() ABSL_LOCKS_EXCLUDED(mu_);
  int64_t written() ABSL_LOCKS_EXCLUDED(mu_);
  // True while the database refuses the queue's writes (from the first
  // failure until a write gets through again).
  bool stalled() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    Ticket ticket;
    std::string what;
    WriteBody body;
  };

  void Loop() ABSL_LOCKS_EXCLUDED(mu_);
  // Writes `batch` in one transaction. Returns false when the database
  // failed (retry the batch); true when it is done, the entries the bodies
  // refused having been dropped.
  bool WriteBatch(std::deque<Entry>& batch, int64_t* written,
                  absl::Status* trouble) ABSL_LOCKS_EXCLUDED(mu_);
  void Report(const std::string& message);

  Store& store_;
  const Options options_;

  Mutex mu_;
  std::deque<Entry> queue_ ABSL_GUARDED_BY(mu_);
  Ticket last_ticket_ ABSL_GUARDED_BY(mu_) = 0;
  // Every ticket up to this one is written or dropped.
  Ticket done_through_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<Ticket, absl::Status> dropped_ ABSL_GUARDED_BY(mu_);
  int64_t written_ ABSL_GUARDED_BY(mu_) = 0;
  size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool stalled_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time give_up_at_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  std::thread thread_;
};

}  // namespace werkbank::store

#endif  // WERKBANK_SERVICES_STORE_WRITE_QUEUE_H_
