// Simulated Marlin; see marlin_sim.h.
#include "marlin_sim.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace werkbank::sim {

std::unique_ptr<MarlinSim> MarlinSim::Create(absl::Duration line_time) {
  std::unique_ptr<MarlinSim> sim(new MarlinSim());
  sim->line_time_ = line_time;
  if (!sim->Begin()) return nullptr;
  sim->Send("start\necho:Marlin werkbank-sim\n");
  return sim;
}

MarlinSim::~MarlinSim() { Finish(); }

void MarlinSim::Reset() {
  MutexLock lock(&sim_mu_);
  last_n_ = 0;
  Send("start\necho:Marlin werkbank-sim\n");
}

void MarlinSim::ThermalRunaway() {
  halted_ = true;
  hotend_target_ = 0;  // kill() turns every heater off
  bed_target_ = 0;
  Send(
      "Error:Thermal Runaway, system stopped! Heater_ID: 0\nError:Printer "
      "halted. kill() called!\n");
}

bool MarlinSim::halted() { return halted_; }
double MarlinSim::hotend_target() { return hotend_target_; }
double MarlinSim::bed_target() { return bed_target_; }

void MarlinSim::OnBytes(absl::string_view bytes) {
  MutexLock lock(&sim_mu_);
  pending_.append(bytes.data(), bytes.size());
  size_t nl;
  while ((nl = pending_.find('\n')) != std::string::npos) {
    std::string line = pending_.substr(0, nl);
    pending_.erase(0, nl + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) OnLine(std::move(line));
  }
}

void MarlinSim::OnLine(std::string line) {
  // Marlin's emergency parser acts on M112 wherever it appears.
  if (absl::StrContains(line, "M112")) {
    halted_ = true;
    hotend_target_ = 0;
    bed_target_ = 0;
    Accept("M112");
    Send("Error:Printer halted. kill() called!\n");
    return;
  }
  if (halted_) return;
  if (ShouldCorrupt()) Corrupt(line);
  auto resend = [&](const std::string& why) {
    Send(absl::StrCat("Error:", why, ", Last Line: ", last_n_,
                      "\nResend: ", last_n_ + 1, "\nok\n"));
  };
  std::string command = line;
  if (line[0] == 'N') {
    const size_t star = line.rfind('*');
    if (star == std::string::npos) {
      resend("No Checksum with line number");
      return;
    }
    unsigned char cs = 0;
    for (size_t i = 0; i < star; ++i) cs ^= static_cast<unsigned char>(line[i]);
    int given = -1;
    if (!absl::SimpleAtoi(line.substr(star + 1), &given) || given != cs) {
      resend("checksum mismatch");
      return;
    }
    const size_t space = line.find(' ');
    int64_t n = -1;
    if (space == std::string::npos || space > star ||
        !absl::SimpleAtoi(line.substr(1, space - 1), &n)) {
      resend("No Line Number with checksum");
      return;
    }
    command = line.substr(space + 1, star - space - 1);
    if (absl::StartsWith(command, "M110")) {
      last_n_ = n;
      Send("ok\n");
      return;
    }
    if (n != last_n_ + 1) {
      resend("Line Number is not Last Line Number+1");
      return;
    }
    last_n_ = n;
  } else if (line.find('*') != std::string::npos) {
    resend("No Line Number with checksum");
    return;
  }
  Execute(command);
}

void MarlinSim::Execute(const std::string& command) {
  auto value = [&](char letter) -> double {
    size_t p = command.find(std::string(" ") + letter);
    return p == std::string::npos ? 0 : std::atof(command.c_str() + p + 2);
  };
  if (absl::StartsWith(command, "M115")) {
    Send(
        "FIRMWARE_NAME:Marlin werkbank-sim PROTOCOL_VERSION:1.0\n"
        "Cap:AUTOREPORT_TEMP:1\nCap:EMERGENCY_PARSER:1\nok\n");
    return;
  }
  if (absl::StartsWith(command, "M105")) {
    Send(absl::StrFormat("ok T:%.1f /%.1f B:%.1f /%.1f @:0 B@:0\n", hotend_,
                         hotend_target_.load(), bed_, bed_target_.load()));
    return;
  }
  if (absl::StartsWith(command, "M155")) {
    autoreport_ = value('S') > 0;
    Send("ok\n");
    return;
  }
  if (absl::StartsWith(command, "M104 ") ||
      absl::StartsWith(command, "M109 ")) {
    hotend_target_ = value('S');
  } else if (absl::StartsWith(command, "M140 ") ||
             absl::StartsWith(command, "M190 ")) {
    bed_target_ = value('S');
  }
  Accept(command);
  if (!ShouldDropOk()) Ok();
}

void MarlinSim::Ok() {
  if (line_time_ <= absl::ZeroDuration()) {
    Send("ok\n");
    return;
  }
  const absl::Time start =
      pending_oks_.empty() ? absl::Now() : pending_oks_.back();
  pending_oks_.push_back(start + line_time_);
}

void MarlinSim::OnTick() {
  MutexLock lock(&sim_mu_);
  while (!pending_oks_.empty() && pending_oks_.front() <= absl::Now()) {
    pending_oks_.pop_front();
    if (!halted_) Send("ok\n");
  }
  // First-order heating towards the targets.
  const bool heating = hotend_target_ > 0 && !heater_broken_;
  hotend_ += (heating ? hotend_target_.load() - hotend_ : 20 - hotend_) * 0.05;
  const double bed_target = bed_target_;
  bed_ += (bed_target > 0 ? bed_target - bed_ : 20 - bed_) * 0.02;
  const absl::Time now = absl::Now();
  if (autoreport_ && !halted_ && now >= next_report_) {
    next_report_ = now + absl::Seconds(1);
    Send(absl::StrFormat(" T:%.1f /%.1f B:%.1f /%.1f @:0 B@:0\n", hotend_,
                         hotend_target_.load(), bed_, bed_target_.load()));
  }
}

}  // namespace werkbank::sim
