// SPDX-License-Identifier: EUPL-1.2
// The I/O loop; see streamer.h.
#include "streamer.h"

#include "absl/time/clock.h"
#include "base/mutex.h"

namespace werkbank::stream {
namespace {

constexpr absl::Duration kWriteTimeout = absl::Seconds(2);
constexpr absl::Duration kMaxSleep = absl::Milliseconds(50);

bool Finished(Outcome o) {
  return o != Outcome::kRunning && o != Outcome::kIdle;
}

}  // namespace

Streamer::Streamer(std::unique_ptr<serial::SerialPort> port,
                   std::unique_ptr<HostProtocol> protocol)
    : port_(std::move(port)), protocol_(std::move(protocol)) {
  thread_ = std::thread([this] { Loop(); });
}

Streamer::~Streamer() {
  stop_ = true;
  thread_.join();
}

void Streamer::StartJob(std::unique_ptr<LineSource> lines) {
  MutexLock lock(&mu_);
  protocol_->StartJob(std::move(lines), absl::Now());
}

void Streamer::EmergencyStop(const std::string& reason) {
  WriteNow([&](HostProtocol& p) { return p.EmergencyStop(reason); });
}

void Streamer::WriteNow(const std::function<std::string(HostProtocol&)>& f) {
  MutexLock lock(&mu_);
  const std::string bytes = f(*protocol_);
  if (bytes.empty()) return;
  if (absl::Status s = port_->Write(bytes, kWriteTimeout); !s.ok()) {
    protocol_->LinkLost(std::string(s.message()));
  }
}

Outcome Streamer::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  MutexLock lock(&mu_);
  auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return protocol_->outcome() != Outcome::kRunning;
  };
  mu_.AwaitWithDeadline(absl::Condition(&done), deadline);
  return protocol_->outcome();
}

bool Streamer::WaitDrained(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  MutexLock lock(&mu_);
  auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return protocol_->drained() || protocol_->outcome() == Outcome::kFailed;
  };
  return mu_.AwaitWithDeadline(absl::Condition(&drained), deadline) &&
         protocol_->drained();
}

void Streamer::WithProtocol(
    const std::function<void(HostProtocol&, absl::Time)>& f) {
  MutexLock lock(&mu_);
  f(*protocol_, absl::Now());
}

Outcome Streamer::outcome() {
  MutexLock lock(&mu_);
  return protocol_->outcome();
}

std::string Streamer::reason() {
  MutexLock lock(&mu_);
  return protocol_->reason();
}

int64_t Streamer::lines_acknowledged() {
  MutexLock lock(&mu_);
  return protocol_->lines_acknowledged();
}

void Streamer::Loop() {
  std::string pending;  // a partial line from the firmware
  bool link_up = true;
  while (!stop_) {
    absl::Duration wait;
    {
      MutexLock lock(&mu_);
      const absl::Time now = absl::Now();
      // Write whatever the protocol wants now, under the lock, so that an
      // emergency stop can never be overtaken by a line.
      while (link_up) {
        std::string out = protocol_->Poll(now);
        if (out.empty()) break;
        if (absl::Status s = port_->Write(out, kWriteTimeout); !s.ok()) {
          protocol_->LinkLost(std::string(s.message()));
          link_up = false;
        }
      }
      wait = std::clamp(protocol_->NextWake(now) - now, absl::Milliseconds(1),
                        kMaxSleep);
    }
    if (!link_up) {
      absl::SleepFor(kMaxSleep);
      continue;
    }
    absl::StatusOr<std::string> data = port_->Read(4096, wait);
    MutexLock lock(&mu_);
    if (!data.ok()) {
      protocol_->LinkLost(std::string(data.status().message()));
      link_up = false;
      continue;
    }
    pending += *data;
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) protocol_->OnLine(line, absl::Now());
    }
    (void)Finished;
  }
}

}  // namespace werkbank::stream
