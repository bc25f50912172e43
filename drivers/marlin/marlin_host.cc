// Marlin host protocol; see marlin_host.h.
#include "marlin_host.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace werkbank::marlin {

std::string NumberedLine(int64_t n, absl::string_view command) {
  std::string body = absl::StrCat("N", n, " ", command);
  unsigned char cs = 0;
  for (char c : body) cs ^= static_cast<unsigned char>(c);
  return absl::StrCat(body, "*", static_cast<int>(cs));
}

std::optional<Temperatures> ParseTemperatures(absl::string_view line) {
  auto value_after = [&](absl::string_view key, double& current,
                         double& target) {
    size_t p = line.find(key);
    if (p == absl::string_view::npos) return false;
    const char* s = line.data() + p + key.size();
    char* end = nullptr;
    current = std::strtod(s, &end);
    if (end == s) return false;
    while (*end == ' ') ++end;
    if (*end == '/') target = std::strtod(end + 1, nullptr);
    return true;
  };
  Temperatures t;
  if (!value_after("T:", t.hotend, t.hotend_target)) return std::nullopt;
  value_after("B:", t.bed, t.bed_target);
  return t;
}

MarlinHost::MarlinHost(MarlinOptions options) : options_(options) {
  // Reset the numbering, then ask for capabilities.
  queue_ = {{"M110 N0"}, {"M115"}};
  handshake_lines_ = queue_.size();
  next_ = 0;
}

void MarlinHost::StartJob(std::vector<std::string> lines, absl::Time now) {
  job_ = std::move(lines);
  for (const std::string& line : job_) queue_.push_back({line, true});
  outcome_ =
      job_.empty() ? stream::Outcome::kCompleted : stream::Outcome::kRunning;
  reason_.clear();
  if (last_rx_ == absl::InfinitePast()) last_rx_ = now;
}

void MarlinHost::End(stream::Outcome outcome, std::string reason) {
  if (outcome_ == stream::Outcome::kFailed ||
      outcome_ == stream::Outcome::kAborted)
    return;
  outcome_ = outcome;
  reason_ = std::move(reason);
}

void MarlinHost::OnLine(absl::string_view line, absl::Time now) {
  last_rx_ = now;
  probe_sent_.reset();
  if (absl::StartsWith(line, "ok")) {
    if (auto t = ParseTemperatures(line)) temps_ = *t;
    if (ignore_oks_ > 0) {
      --ignore_oks_;
      return;
    }
    if (in_flight_.empty()) return;  // the answer to a probe
    const int64_t n = in_flight_.front();
    in_flight_.pop_front();
    if (n + 1 > confirmed_) {
      confirmed_ = n + 1;
      if (queue_[static_cast<size_t>(n)].job) ++acked_;
    }
    if (outcome_ == stream::Outcome::kRunning &&
        confirmed_ == static_cast<int64_t>(queue_.size())) {
      outcome_ = stream::Outcome::kCompleted;
    }
    return;
  }
  if (absl::StartsWith(line, "Resend:") || absl::StartsWith(line, "rs ")) {
    int64_t n = 0;
    absl::string_view num = line.substr(line.find_first_of(": ") + 1);
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(num), &n) || n < 0 ||
        n > next_) {
      End(stream::Outcome::kFailed,
          absl::StrCat("firmware asked to resend line ", num,
                       ", which cannot be resent"));
      return;
    }
    ++ignore_oks_;  // Marlin follows every resend request with an ok
    next_ = n;
    in_flight_.clear();
    if (n < confirmed_) {
      confirmed_ = n;
      acked_ = std::max<int64_t>(
          0, confirmed_ - static_cast<int64_t>(handshake_lines_));
    }
    return;
  }
  if (absl::StartsWith(line, "Error:")) {
    if (absl::StrContains(line, "checksum") ||
        absl::StrContains(line, "Line Number") ||
        absl::StrContains(line, "No Checksum") ||
        absl::StrContains(line, "No Line Number")) {
      return;  // a Resend: follows
    }
    End(stream::Outcome::kFailed,
        absl::StrCat("firmware error: ", line.substr(6)));
    return;
  }
  if (line == "start") {
    // Before the handshake is through, it is the boot banner of the
    // connection itself.
    const bool job_started =
        confirmed_ >= static_cast<int64_t>(handshake_lines_);
    if (job_started && (outcome_ == stream::Outcome::kRunning ||
                        outcome_ == stream::Outcome::kHeld)) {
      End(stream::Outcome::kAborted, "the firmware reset during the job");
    }
    return;
  }
  if (absl::StartsWith(line, "Cap:AUTOREPORT_TEMP:1")) {
    // Only while no job line has gone out: inserting renumbers what follows.
    if (!autoreport_ && next_ <= static_cast<int64_t>(handshake_lines_)) {
      queue_.insert(queue_.begin() + static_cast<long>(handshake_lines_),
                    Entry{"M155 S2"});
      ++handshake_lines_;
      autoreport_ = true;
    }
    return;
  }
  if (auto t = ParseTemperatures(line)) temps_ = *t;
  // busy:, echo:, // and the like only show the firmware is alive.
}

std::string MarlinHost::Poll(absl::Time now) {
  if (outcome_ == stream::Outcome::kFailed ||
      outcome_ == stream::Outcome::kAborted ||
      outcome_ == stream::Outcome::kCancelled ||
      outcome_ == stream::Outcome::kHeld) {
    return "";
  }
  if (!in_flight_.empty()) {
    if (probe_sent_) {
      if (now - *probe_sent_ >= options_.probe_timeout) {
        End(stream::Outcome::kFailed, "the firmware stopped answering");
      }
      return "";
    }
    if (now - last_rx_ >= options_.response_timeout) {
      probe_sent_ = now;
      return "M105\n";
    }
  }
  // Firmware without autoreport: poll the temperatures once the handshake
  // (which tells whether it autoreports) is through.
  if (!autoreport_ && confirmed_ >= static_cast<int64_t>(handshake_lines_) &&
      now >= next_temperature_poll_) {
    next_temperature_poll_ = now + options_.temperature_poll;
    return Immediate({"M105"});
  }
  if (static_cast<int>(in_flight_.size()) < options_.window &&
      next_ < static_cast<int64_t>(queue_.size())) {
    if (in_flight_.empty()) last_rx_ = now;
    const int64_t n = next_++;
    in_flight_.push_back(n);
    return NumberedLine(n, queue_[static_cast<size_t>(n)].command) + "\n";
  }
  return "";
}

absl::Time MarlinHost::NextWake(absl::Time now) const {
  if (in_flight_.empty()) return now + absl::Milliseconds(50);
  if (probe_sent_) return *probe_sent_ + options_.probe_timeout;
  return last_rx_ + options_.response_timeout;
}

std::string MarlinHost::EmergencyStop(const std::string& reason) {
  End(stream::Outcome::kAborted, absl::StrCat("emergency stop: ", reason));
  // M112 halts at once (Marlin's emergency parser acts on it even with a
  // full buffer); the heater commands are for firmware without that parser.
  return "M112\nM104 S0\nM140 S0\n";
}

std::string MarlinHost::Hold(const std::string& reason, bool /*door*/) {
  if (outcome_ != stream::Outcome::kRunning) return "";
  outcome_ = stream::Outcome::kHeld;
  reason_ = reason;
  return "";  // no more lines; the printer finishes the few moves it holds
}

void MarlinHost::Resume() {
  if (outcome_ != stream::Outcome::kHeld) return;
  outcome_ = stream::Outcome::kRunning;
  reason_.clear();
}

std::string MarlinHost::Cancel(const std::string& reason) {
  End(stream::Outcome::kCancelled, reason);
  in_flight_.clear();
  // M410 stops the steppers at once; then heaters, fan and motors off.
  return Immediate({"M410", "M104 S0", "M140 S0", "M107", "M84"});
}

std::string MarlinHost::SafeState() {
  return Immediate({"M104 S0", "M140 S0", "M107", "M84"});
}

std::string MarlinHost::Immediate(const std::vector<std::string>& commands) {
  std::string out;
  for (const auto& c : commands) out += c + "\n";
  // Their oks come back among the job's; they must not acknowledge job lines.
  ignore_oks_ += static_cast<int>(commands.size());
  return out;
}

void MarlinHost::InsertNext(const std::vector<std::string>& commands) {
  std::vector<Entry> entries;
  for (const auto& c : commands) entries.push_back({c, false});
  queue_.insert(queue_.begin() + static_cast<long>(next_), entries.begin(),
                entries.end());
}

int64_t MarlinHost::JobLinesBefore(int64_t n) const {
  int64_t count = 0;
  for (int64_t i = 0; i < n && i < static_cast<int64_t>(queue_.size()); ++i) {
    if (queue_[static_cast<size_t>(i)].job) ++count;
  }
  return count;
}

void MarlinHost::LinkLost(const std::string& reason) {
  End(stream::Outcome::kFailed, absl::StrCat("serial link lost: ", reason));
}

}  // namespace werkbank::marlin
