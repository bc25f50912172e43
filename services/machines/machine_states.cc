// SPDX-License-Identifier: EUPL-1.2
// The machine's state machine: the names of its states, the one place that
// changes and audits the state (Transition, checked against the table in
// machine_states.h), and Decide, which runs a person's request under the
// lock and waits for its record outside it.
#include "absl/strings/str_cat.h"
#include "base/mutex.h"
#include "machine_controller.h"

namespace werkbank::machines {

const char* StateName(State s) {
  switch (s) {
    case State::kOffline:
      return "offline";
    case State::kLocked:
      return "locked";
    case State::kUnlocked:
      return "unlocked";
    case State::kRunning:
      return "running";
    case State::kPaused:
      return "paused";
    case State::kFault:
      return "fault";
    case State::kBlocked:
      return "blocked";
  }
  return "?";
}

absl::Status MachineController::Decide(
    const std::function<absl::Status()>& decide, RecordWait wait) {
  // Long enough for SQLite's busy timeout and a retry; the record stays
  // queued either way.
  constexpr absl::Duration kRecordWait = absl::Seconds(12);
  absl::Status decided;
  store::WriteQueue::Ticket ticket = 0;
  {
    MutexLock lock(&mu_);
    const store::WriteQueue::Ticket before = last_record_;
    decided = decide();
    if (last_record_ != before) ticket = last_record_;
  }
  if (changes_) changes_->Notify();  // a block reason, an unlock, a job
  if (ticket == 0) return decided;
  if (wait == RecordWait::kBrief) {
    // What was asked for is done (a stop is on the wire). Give the record a
    // moment so that what the caller reads next shows it, but never make
    // them wait for a busy database: it stays queued until written.
    (void)records_.WaitDurable(ticket, absl::Seconds(2));
    return decided;
  }
  const absl::Status recorded = records_.WaitDurable(ticket, kRecordWait);
  if (decided.ok() && !recorded.ok()) {
    return absl::Status(
        recorded.code(),
        absl::StrCat(config_.id(),
                     ": done, but not yet recorded: ", recorded.message()));
  }
  return decided;
}

void MachineController::Transition(State to, const std::string& actor,
                                   const std::string& why) {
  if (to == state_) return;
  if (state_ == State::kPaused && job_) job_->held += clock_.Now() - since_;
  // Never refused (a stop must always win), but a change the table does not
  // know is marked in the audit log for someone to look at.
  Audit(actor, "machine.state",
        absl::StrCat(
            StateName(state_), " -> ", StateName(to), ": ", why,
            InStateTable(state_, to) ? "" : " (not in the state table)"));
  if (to == State::kFault) {
    // A person's stop names them in `why`; the event does not.
    std::vector<std::pair<std::string, std::string>> text = {
        {"from", StateName(state_)}};
    if (actor == "system") text.push_back({"reason", why});
    Publish(v1::WebhookConfig::MACHINE_FAULT, job_ ? job_->job_id : 0,
            std::move(text));
  }
  state_ = to;
  since_ = clock_.Now();
  if (changes_) changes_->Notify();
}

}  // namespace werkbank::machines
