// SPDX-License-Identifier: EUPL-1.2
// Shared simulator plumbing; see firmware_sim.h.
#include "firmware_sim.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "base/mutex.h"

namespace werkbank::sim {

FirmwareSim::~FirmwareSim() = default;

bool FirmwareSim::Begin() {
  auto pty = serial::Pty::Create();
  if (!pty.ok()) return false;
  pty_.emplace(std::move(*pty));
  thread_ = std::thread([this] { Loop(); });
  return true;
}

void FirmwareSim::Finish() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void FirmwareSim::SetFaults(const Faults& faults) {
  MutexLock lock(&mu_);
  faults_ = faults;
  rng_.seed(faults.seed);
}

void FirmwareSim::SetSilent(bool silent) { silent_ = silent; }

void FirmwareSim::Disconnect() { disconnected_ = true; }

std::vector<std::string> FirmwareSim::Accepted() {
  MutexLock lock(&mu_);
  return accepted_;
}

std::string FirmwareSim::Received() {
  MutexLock lock(&mu_);
  return received_;
}

void FirmwareSim::Send(absl::string_view text) {
  if (silent_ || disconnected_) return;
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n =
        ::write(pty_->master_fd(), text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return;
    }
    done += static_cast<size_t>(n);
  }
}

void FirmwareSim::Accept(const std::string& command) {
  MutexLock lock(&mu_);
  accepted_.push_back(command);
}

bool FirmwareSim::ShouldCorrupt() {
  MutexLock lock(&mu_);
  return faults_.corrupt_fraction > 0 &&
         std::uniform_real_distribution<double>(0, 1)(rng_) <
             faults_.corrupt_fraction;
}

bool FirmwareSim::ShouldDropOk() {
  MutexLock lock(&mu_);
  return faults_.drop_ok_fraction > 0 &&
         std::uniform_real_distribution<double>(0, 1)(rng_) <
             faults_.drop_ok_fraction;
}

void FirmwareSim::Corrupt(std::string& line) {
  if (line.empty()) return;
  MutexLock lock(&mu_);
  const size_t at =
      std::uniform_int_distribution<size_t>(0, line.size() - 1)(rng_);
  line[at] = static_cast<char>(
      line[at] ^ (1 << std::uniform_int_distribution<int>(0, 4)(rng_)));
  if (line[at] == '\n' || line[at] == '\r' || line[at] == 0) line[at] = '#';
}

void FirmwareSim::Loop() {
  char buf[4096];
  absl::Time next_tick = absl::Now();
  while (!stop_) {
    if (disconnected_) {
      pty_->Hangup();
      return;
    }
    pollfd p{pty_->master_fd(), POLLIN, 0};
    int r = ::poll(&p, 1, 5);
    if (r > 0 && (p.revents & POLLIN)) {
      ssize_t n = ::read(pty_->master_fd(), buf, sizeof buf);
      if (n > 0) {
        {
          MutexLock lock(&mu_);
          received_.append(buf, static_cast<size_t>(n));
        }
        if (!silent_) OnBytes(absl::string_view(buf, static_cast<size_t>(n)));
      }
    }
    if (absl::Now() >= next_tick) {
      if (!silent_) OnTick();
      next_tick = absl::Now() + absl::Milliseconds(10);
    }
  }
}

}  // namespace werkbank::sim
