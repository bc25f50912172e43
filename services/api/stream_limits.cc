// SPDX-License-Identifier: EUPL-1.2
// Open streams: limits and session checks; see stream_limits.h.
#include "stream_limits.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace werkbank::api {
namespace {

constexpr absl::Duration kCheckEvery = absl::Milliseconds(250);

// Whether `actor`'s session still stands as the stream was opened with it.
absl::Status SessionStands(const access::Accounts& accounts,
                           const access::Actor& actor) {
  auto now = actor.ViaApiKey() ? accounts.AuthenticateApiKeyId(actor.api_key_id)
                               : accounts.AuthenticateHash(actor.token_hash);
  if (!now.ok()) {
    if (now.status().code() != absl::StatusCode::kUnauthenticated) {
      return absl::OkStatus();  // the database is busy: ask again next round
    }
    if (actor.ViaApiKey()) {
      return absl::UnauthenticatedError(
          "your API key was revoked or its account disabled");
    }
    return absl::UnauthenticatedError(
        "your session ended (logged out, revoked, password changed or "
        "account disabled); log in again");
  }
  if (now->roles != actor.roles) {
    return absl::PermissionDeniedError(
        "your roles changed; open the stream again");
  }
  return absl::OkStatus();
}

// What a stream was opened with: a session, or a personal API key.
std::string SessionOf(const access::Actor& actor) {
  return actor.ViaApiKey() ? absl::StrCat("apikey/", actor.api_key_id)
                           : actor.token_hash;
}

}  // namespace

StreamLimits::StreamLimits(int per_user, const access::Accounts* accounts,
                           int total, absl::Duration idle)
    : per_user_(per_user), total_(total), idle_(idle), accounts_(accounts) {
  if (accounts_ != nullptr) checker_ = std::thread([this] { CheckerLoop(); });
}

StreamLimits::~StreamLimits() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (checker_.joinable()) checker_.join();
}

StreamLimits::Slot::~Slot() {
  if (limits_ != nullptr) limits_->Close(stream_);
}

absl::Status StreamLimits::Slot::WaitFor(absl::Duration d) const {
  MutexLock lock(&limits_->mu_);
  Stream* s = stream_.get();
  limits_->mu_.AwaitWithDeadline(
      absl::Condition(
          +[](Stream* s)
               ABSL_NO_THREAD_SAFETY_ANALYSIS { return !s->ended.ok(); },
          s),
      absl::Now() + d);
  return s->ended;
}

void StreamLimits::Slot::Touch() const {
  MutexLock lock(&limits_->mu_);
  stream_->last_active = absl::Now();
}

absl::Status StreamLimits::Slot::ended() const {
  MutexLock lock(&limits_->mu_);
  return stream_->ended;
}

absl::StatusOr<StreamLimits::Slot> StreamLimits::Open(
    const access::Actor& actor, grpc::ServerContextBase* ctx,
    bool cancel_at_once) {
  MutexLock lock(&mu_);
  int& open = open_[actor.user_id];
  if (open >= per_user_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "you already have ", open,
        " open streams (watching the lab or a job, uploads, backups), the "
        "most one person may hold at once; close one and try again"));
  }
  // Places for everyone but staff end kStaffReserve short of the total, so
  // that no crowd of accounts can keep staff from watching the lab.
  const int limit = actor.IsStaff() ? total_ : total_ - kStaffReserve;
  if (open_total_ >= limit) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the lab has ", open_total_,
        " streams open, as many as it serves at once; try again shortly"));
  }
  ++open;
  ++open_total_;
  auto stream = std::make_shared<Stream>(
      Stream{actor, ctx, cancel_at_once, absl::OkStatus(), absl::Now()});
  streams_.insert(stream);
  return Slot(this, std::move(stream));
}

void StreamLimits::CheckNow() {
  MutexLock lock(&mu_);
  check_now_ = true;
}

int StreamLimits::open(int64_t user_id) {
  MutexLock lock(&mu_);
  auto it = open_.find(user_id);
  return it == open_.end() ? 0 : it->second;
}

void StreamLimits::Close(const std::shared_ptr<Stream>& stream) {
  MutexLock lock(&mu_);
  if (streams_.erase(stream) > 0) --open_total_;
  auto it = open_.find(stream->actor.user_id);
  if (it == open_.end()) return;
  if (--it->second <= 0) open_.erase(it);
}

void StreamLimits::CheckerLoop() {
  while (true) {
    {
      MutexLock lock(&mu_);
      auto due = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return check_now_ || stopping_;
      };
      mu_.AwaitWithDeadline(absl::Condition(&due), absl::Now() + kCheckEvery);
      if (stopping_) return;
      check_now_ = false;
    }
    CheckAll();
  }
}

void StreamLimits::CheckAll() {
  std::vector<std::shared_ptr<Stream>> streams;
  {
    MutexLock lock(&mu_);
    streams.assign(streams_.begin(), streams_.end());
  }
  // One look per session, outside the lock: it reads the database.
  absl::flat_hash_map<std::string, absl::Status> verdicts;
  for (const auto& s : streams) {
    if (!verdicts.contains(SessionOf(s->actor))) {
      verdicts[SessionOf(s->actor)] = SessionStands(*accounts_, s->actor);
    }
  }
  MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  for (const auto& s : streams) {
    if (!streams_.contains(s)) continue;  // closed meanwhile
    const bool ended_before = !s->ended.ok();
    if (!ended_before) s->ended = verdicts[SessionOf(s->actor)];
    if (s->ended.ok() && s->cancel_at_once && now - s->last_active > idle_) {
      // A client that opened an upload and sends nothing holds a thread.
      s->ended = absl::DeadlineExceededError(
          absl::StrCat("nothing was sent for ", absl::ToInt64Seconds(idle_),
                       " s; the upload was closed"));
    }
    if (s->ended.ok() || s->cancelled) continue;
    // Still open a round after it was told: its handler cannot hear.
    if (s->cancel_at_once || ended_before) {
      s->cancelled = true;
      s->ctx->TryCancel();  // under mu_: the slot, and its call, are alive
    }
  }
}

}  // namespace werkbank::api
