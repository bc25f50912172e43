// SPDX-License-Identifier: EUPL-1.2
// Marlin host protocol; see marlin_host.h.
#include "marlin_host.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace werkbank::marlin {
namespace {

// Enough for any resend a firmware asks for: its receive buffer holds a few
// lines, and the window is smaller than this.
constexpr size_t kHistory = 128;

// Commands the firmware may take minutes to answer while it reports
// temperatures or `busy:`: those reports show it is alive.
bool LongRunning(absl::string_view command) {
  for (absl::string_view c : {"M109", "M190", "M191", "M116", "M303", "M400",
                              "M600", "M0", "M1", "G4", "G28", "G29", "G34"}) {
    if (absl::StartsWith(command, c) &&
        (command.size() == c.size() || command[c.size()] == ' ')) {
      return true;
    }
  }
  return false;
}

std::optional<double> Parameter(absl::string_view command, char letter) {
  const size_t p = command.find(absl::StrCat(" ", std::string(1, letter)));
  if (p == absl::string_view::npos) return std::nullopt;
  double v = 0;
  absl::string_view rest = command.substr(p + 2);
  rest = rest.substr(0, rest.find(' '));
  if (!absl::SimpleAtod(rest, &v)) return std::nullopt;
  return v;
}

bool IsCommand(absl::string_view command, absl::string_view code) {
  return absl::StartsWith(command, code) &&
         (command.size() == code.size() || command[code.size()] == ' ');
}

}  // namespace

std::string NumberedLine(int64_t n, absl::string_view command) {
  std::string body = absl::StrCat("N", n, " ", command);
  unsigned char cs = 0;
  for (char c : body) cs ^= static_cast<unsigned char>(c);
  return absl::StrCat(body, "*", static_cast<int>(cs));
}

std::optional<TemperatureReport> ParseTemperatures(absl::string_view line) {
  // "T:210.1 /210.0": the value, and the target where the firmware sends one.
  auto read = [&](absl::string_view key, double& current,
                  std::optional<double>& target) {
    size_t p = line.find(key);
    // "B:" must not match the "B@:" power field.
    if (p == absl::string_view::npos) return false;
    const std::string rest(line.substr(p + key.size()));
    const char* s = rest.c_str();
    char* end = nullptr;
    current = std::strtod(s, &end);
    if (end == s) return false;
    while (*end == ' ') ++end;
    if (*end == '/') {
      const char* t = end + 1;
      char* t_end = nullptr;
      const double value = std::strtod(t, &t_end);
      if (t_end != t) target = value;
    }
    return true;
  };
  TemperatureReport r;
  if (!read("T:", r.hotend, r.hotend_target)) return std::nullopt;
  double bed = 0;
  if (read("B:", bed, r.bed_target)) r.bed = bed;
  return r;
}

ErrorKind ClassifyError(absl::string_view message) {
  const std::string m = absl::AsciiStrToLower(message);
  for (absl::string_view k : {"checksum", "line number", "expected line",
                              "last line", "format error", "resend"}) {
    if (absl::StrContains(m, k)) return ErrorKind::kTransmission;
  }
  for (absl::string_view k :
       {"unknown command", "unknown g-code", "unknown m-code", "cold extrusion",
        "extrusion prevented", "invalid extruder"}) {
    if (absl::StrContains(m, k)) return ErrorKind::kHarmless;
  }
  return ErrorKind::kFatal;
}

MarlinHost::MarlinHost(MarlinOptions options) : options_(std::move(options)) {
  Handshake();
}

void MarlinHost::Handshake() {
  // Invariant 4: the safe state comes first in every session, numbered like
  // everything else, right after the numbering is reset.
  host_queue_.clear();
  host_queue_.push_back({"M110 N0", true});
  for (const char* c : {"M104 S0", "M140 S0", "M107", "M84"}) {
    host_queue_.push_back({c, true});
  }
  for (const auto& c : options_.safe_state_script) {
    host_queue_.push_back({c, true});
  }
  host_queue_.push_back({"M115", true});
  // The rates the time estimate uses; part of the handshake, so that no job
  // line goes out before the report is complete.
  host_queue_.push_back({"M503", true});
  handshake_left_ = static_cast<int>(host_queue_.size());
  reading_settings_ = true;
  settings_unknown_ = false;
  report_ = SettingsReport();
  commanded_hotend_ = commanded_bed_ = 0;
  autoreport_ = false;
}

void MarlinHost::End(stream::Outcome outcome, std::string reason) {
  if (outcome_ == stream::Outcome::kFailed ||
      outcome_ == stream::Outcome::kAborted)
    return;
  outcome_ = outcome;
  reason_ = std::move(reason);
}

void MarlinHost::ForgetJob() {
  job_.reset();
  // Invariant 7: a resend asked for after the job ended gets a harmless
  // line with the same number, never one of the job's.
  for (Numbered& h : history_) {
    if (h.job_line >= 0) {
      h.command = "M105";
      h.job_line = -1;
    }
  }
  for (Sent& s : in_flight_) s.job_line = -1;
}

void MarlinHost::StartJob(std::unique_ptr<stream::LineSource> lines,
                          absl::Time now) {
  ForgetJob();
  job_ = std::move(lines);
  total_ = job_->size();
  taken_ = 0;
  acked_ = 0;
  job_hotend_ = job_bed_ = 0;
  outcome_ = stream::Outcome::kRunning;
  reason_.clear();
  // The job's numbering starts afresh: a firmware that reset or lost count
  // since the last job cannot ask for an earlier job's line.
  host_queue_.push_back({"M110 N0", false});
  if (last_progress_ == absl::InfinitePast()) last_progress_ = now;
  if (total_ == 0) {
    job_.reset();
    outcome_ = stream::Outcome::kCompleted;
  }
}

void MarlinHost::CheckCompleted() {
  if (outcome_ != stream::Outcome::kRunning || job_ || acked_ < taken_) return;
  outcome_ = stream::Outcome::kCompleted;
  ForgetJob();
}

void MarlinHost::Remember(const std::string& command, bool job) {
  const std::optional<double> s = Parameter(command, 'S');
  if (!s) return;
  if (IsCommand(command, "M104") || IsCommand(command, "M109")) {
    commanded_hotend_ = *s;
    if (job) job_hotend_ = *s;
  } else if (IsCommand(command, "M140") || IsCommand(command, "M190")) {
    commanded_bed_ = *s;
    if (job) job_bed_ = *s;
  }
}

std::string MarlinHost::Send(std::string command, int64_t job_line,
                             bool handshake, absl::Time now) {
  const int64_t n = next_n_++;
  resend_n_ = next_n_;
  if (in_flight_.empty()) last_progress_ = now;
  in_flight_.push_back({n, job_line, LongRunning(command), handshake,
                        handshake && command == "M503"});
  Remember(command, job_line >= 0);
  std::string out = NumberedLine(n, command) + "\n";
  history_.push_back({n, std::move(command), job_line, handshake});
  if (history_.size() > kHistory) history_.pop_front();
  return out;
}

void MarlinHost::OnOk(absl::string_view line) {
  if (auto r = ParseTemperatures(line)) {
    temps_.hotend = r->hotend;
    temps_.hotend_target = r->hotend_target.value_or(commanded_hotend_);
    if (r->bed) temps_.bed = *r->bed;
    temps_.bed_target = r->bed_target.value_or(commanded_bed_);
  }
  if (in_flight_.empty()) return;  // the ok that follows a Resend, or late
  const Sent sent = in_flight_.front();
  in_flight_.pop_front();
  if (sent.settings) SettingsAnswered();
  if (sent.handshake && handshake_left_ > 0) --handshake_left_;
  if (sent.job_line >= 0) acked_ = std::max(acked_, sent.job_line + 1);
  CheckCompleted();
}

void MarlinHost::SettingsAnswered() {
  reading_settings_ = false;
  if (report_.found()) {
    motion_ = report_.settings();
    unreported_.clear();
    return;
  }
  motion_ = {};
  unreported_ = absl::StrCat(
      "the firmware ",
      settings_unknown_ ? "does not know M503" : "reported no settings to M503",
      " (settings report disabled in its build); the time estimate uses the "
      "config's motion { }, else Marlin's factory rates");
}

void MarlinHost::OnResend(absl::string_view line, absl::Time now) {
  absl::string_view num = line.substr(line.find_first_of(": ") + 1);
  int64_t n = 0;
  const bool number = absl::SimpleAtoi(absl::StripAsciiWhitespace(num), &n);
  auto resendable = [&] {
    return n >= 0 && n <= next_n_ &&
           (n == next_n_ || (!history_.empty() && n >= history_.front().n));
  };
  if (number && !resendable() && !in_flight_.empty() &&
      in_flight_.front().n == 0) {
    // The firmware missed the M110 N0 that renumbers (it came corrupted) and
    // asks, in its old numbering, for the line after its last: that is the
    // M110 itself, our line 0, not yet acknowledged.
    n = 0;
  }
  if (!number || !resendable()) {
    End(stream::Outcome::kFailed,
        absl::StrCat("the firmware asked to resend line ",
                     absl::StripAsciiWhitespace(num),
                     ", which cannot be resent"));
    return;
  }
  // Lines before n arrived; their oks are still due. Lines from n on did not.
  while (!in_flight_.empty() &&
         (in_flight_.back().n >= n || in_flight_.back().n < 0)) {
    in_flight_.pop_back();
  }
  for (const Numbered& h : history_) {
    if (h.n >= n && h.job_line >= 0) acked_ = std::min(acked_, h.job_line);
  }
  resend_n_ = n;
  swallow_ok_ = true;
  quiet_until_ = now + options_.resend_ok_grace;
}

void MarlinHost::OnError(absl::string_view message) {
  message = absl::StripAsciiWhitespace(message);
  switch (ClassifyError(message)) {
    case ErrorKind::kTransmission:  // a Resend follows
    case ErrorKind::kHarmless:
      return;
    case ErrorKind::kFatal:
      if (absl::StrContains(absl::AsciiStrToLower(message), "halted") ||
          absl::StrContains(absl::AsciiStrToLower(message), "kill")) {
        halted_ = true;
      }
      End(stream::Outcome::kFailed, absl::StrCat("firmware error: ", message));
      return;
  }
}

void MarlinHost::OnLine(absl::string_view line, absl::Time now) {
  const std::string lower = absl::AsciiStrToLower(line);
  if (absl::StartsWith(lower, "ok")) {
    if (swallow_ok_ && now < quiet_until_) {
      // The ok that follows a Resend acknowledges nothing.
      swallow_ok_ = false;
      quiet_until_ = now;
    } else {
      OnOk(line);
    }
    last_progress_ = now;
    probe_sent_.reset();
    return;
  }
  if (absl::StartsWith(lower, "resend:") || absl::StartsWith(lower, "rs ")) {
    last_progress_ = now;
    probe_sent_.reset();
    OnResend(line, now);
    return;
  }
  if (absl::StartsWith(lower, "error:") || absl::StartsWith(lower, "!!")) {
    OnError(line.substr(absl::StartsWith(lower, "!!") ? 2 : 6));
    return;
  }
  if (reading_settings_) {
    if (report_.OnLine(line)) return;
    if (absl::StrContains(lower, "unknown command") &&
        absl::StrContains(lower, "m503")) {
      settings_unknown_ = true;
      return;
    }
  }
  if (line == "start") {
    // The firmware (re)started: a job in progress is gone, and the session
    // begins again with the handshake and the safe state.
    // Before the handshake was answered it is the boot banner of this
    // session (opening the port resets many boards): no job line went out.
    if (ready() && (outcome_ == stream::Outcome::kRunning ||
                    outcome_ == stream::Outcome::kHeld)) {
      End(stream::Outcome::kAborted, "the firmware reset during the job");
      ForgetJob();
    }
    in_flight_.clear();
    history_.clear();
    next_n_ = resend_n_ = 0;
    halted_ = false;
    Handshake();
    quiet_until_ = now + options_.resend_ok_grace;
    probe_sent_.reset();
    last_progress_ = now;
    return;
  }
  if (absl::StartsWith(line, "Cap:AUTOREPORT_TEMP:1")) {
    if (!autoreport_) {
      host_queue_.push_back({"M155 S2", false});
      autoreport_ = true;
    }
    return;
  }
  const bool waiting_long =
      !in_flight_.empty() && in_flight_.front().long_running;
  if (absl::StrContains(lower, "busy:") || waiting_long) {
    // `busy:` says the firmware works on a command; while it heats or homes,
    // any report does. Other lines (autoreports, `wait`) do not: an ok that
    // was lost must still be noticed.
    last_progress_ = now;
    probe_sent_.reset();
  }
  if (auto r = ParseTemperatures(line)) {
    temps_.hotend = r->hotend;
    temps_.hotend_target = r->hotend_target.value_or(commanded_hotend_);
    if (r->bed) temps_.bed = *r->bed;
    temps_.bed_target = r->bed_target.value_or(commanded_bed_);
  }
}

std::string MarlinHost::Poll(absl::Time now) {
  if (halted_ || outcome_ == stream::Outcome::kFailed) return "";
  if (!in_flight_.empty()) {
    if (probe_sent_) {
      if (now - *probe_sent_ >= options_.probe_timeout) {
        End(stream::Outcome::kFailed,
            ready() ? "the firmware stopped answering"
                    : "the firmware does not answer (halted, or not a Marlin "
                      "printer?); power-cycle the printer");
      }
      return "";
    }
    if (now - last_progress_ >= options_.response_timeout) {
      // An ok may have been lost: the probe's own ok takes its place.
      probe_sent_ = now;
      return "M105\n";
    }
  }
  if (now < quiet_until_) return "";
  swallow_ok_ = false;  // a firmware that sends no ok after a Resend
  if (!autoreport_ && ready() && now >= next_temperature_poll_) {
    next_temperature_poll_ = now + options_.temperature_poll;
    const bool queued =
        std::any_of(host_queue_.begin(), host_queue_.end(),
                    [](const Queued& q) { return q.command == "M105"; });
    if (!queued) host_queue_.push_back({"M105", false});
  }
  if (static_cast<int>(in_flight_.size()) >= options_.window) return "";
  if (resend_n_ < next_n_) {
    for (const Numbered& h : history_) {
      if (h.n != resend_n_) continue;
      ++resend_n_;
      if (in_flight_.empty()) last_progress_ = now;
      in_flight_.push_back({h.n, h.job_line, LongRunning(h.command),
                            h.handshake, h.handshake && h.command == "M503"});
      return NumberedLine(h.n, h.command) + "\n";
    }
    resend_n_ = next_n_;  // not in the history (cannot happen: checked)
  }
  if (!host_queue_.empty()) {
    if (host_queue_.front().command == "M110 N0") {
      // Renumber only once everything sent was answered.
      if (!in_flight_.empty()) return "";
      history_.clear();
      next_n_ = resend_n_ = 0;
    }
    Queued q = std::move(host_queue_.front());
    host_queue_.pop_front();
    return Send(std::move(q.command), -1, q.handshake, now);
  }
  if (outcome_ == stream::Outcome::kRunning && ready() && job_) {
    std::string line;
    if (job_->Next(line)) return Send(std::move(line), taken_++, false, now);
    if (!job_->status().ok()) {
      End(stream::Outcome::kFailed,
          absl::StrCat("the program could not be read: ",
                       job_->status().message()));
      ForgetJob();
      return "";
    }
    job_.reset();
    CheckCompleted();
  }
  return "";
}

absl::Time MarlinHost::NextWake(absl::Time now) const {
  absl::Time wake = now + absl::Milliseconds(50);
  if (!in_flight_.empty()) {
    wake = std::min(wake, probe_sent_
                              ? *probe_sent_ + options_.probe_timeout
                              : last_progress_ + options_.response_timeout);
  }
  if (quiet_until_ > now) wake = std::min(wake, quiet_until_);
  return std::max(wake, now);
}

bool MarlinHost::drained() const {
  return host_queue_.empty() && in_flight_.empty() && resend_n_ == next_n_;
}

std::string MarlinHost::firmware_state() const {
  if (halted_) return "halted";
  if (outcome_ == stream::Outcome::kFailed) return "not answering";
  if (!ready()) return "connecting";
  if (outcome_ == stream::Outcome::kRunning) return "printing";
  if (outcome_ == stream::Outcome::kHeld) return "paused";
  return "idle";
}

std::string MarlinHost::EmergencyStop(const std::string& reason) {
  End(stream::Outcome::kAborted, absl::StrCat("emergency stop: ", reason));
  ForgetJob();
  host_queue_.clear();
  in_flight_.clear();
  halted_ = true;
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
  if (halted_) return "";
  End(stream::Outcome::kCancelled, reason);
  ForgetJob();
  // Heaters and fan off, the machine's own cancel script (e.g. park the
  // head), and only then the motors released.
  for (const char* c : {"M104 S0", "M140 S0", "M107"}) {
    host_queue_.push_back({c, false});
  }
  for (const auto& c : options_.cancel_script)
    host_queue_.push_back({c, false});
  host_queue_.push_back({"M84", false});
  // M108 ends a wait for temperature (M109/M190) that would otherwise hold
  // every following line; M410 stops the steppers at once. Both act through
  // the emergency parser; their oks come in turn.
  in_flight_.push_back({-1, -1, false, false});
  in_flight_.push_back({-1, -1, false, false});
  return "M108\nM410\n";
}

std::string MarlinHost::SafeState() {
  if (halted_) return "";
  std::string now_bytes;
  if (outcome_ == stream::Outcome::kRunning ||
      outcome_ == stream::Outcome::kHeld) {
    now_bytes = Cancel("the daemon is stopping");
    return now_bytes;  // the cancel turns everything off
  }
  for (const char* c : {"M104 S0", "M140 S0", "M107", "M84"}) {
    host_queue_.push_back({c, false});
  }
  for (const auto& c : options_.safe_state_script) {
    host_queue_.push_back({c, false});
  }
  return "";
}

void MarlinHost::LowerHeaters() {
  host_queue_.push_back({"M104 S0", false});
  host_queue_.push_back({"M140 S0", false});
}

void MarlinHost::RestoreHeaters() {
  // The job's own targets, as its lines set them: both heat at once, then
  // wait for each before the first move.
  const double bed = job_bed_, hotend = job_hotend_;
  if (bed > 0) host_queue_.push_back({absl::StrFormat("M140 S%g", bed), false});
  if (hotend > 0) {
    host_queue_.push_back({absl::StrFormat("M104 S%g", hotend), false});
  }
  if (bed > 0) host_queue_.push_back({absl::StrFormat("M190 S%g", bed), false});
  if (hotend > 0) {
    host_queue_.push_back({absl::StrFormat("M109 S%g", hotend), false});
  }
}

void MarlinHost::LinkLost(const std::string& reason) {
  End(stream::Outcome::kFailed, absl::StrCat("serial link lost: ", reason));
}

}  // namespace werkbank::marlin
