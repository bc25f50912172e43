// SPDX-License-Identifier: EUPL-1.2
// Simulated Marlin; see marlin_sim.h.
#include "marlin_sim.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "drivers/gcode/line.h"

namespace werkbank::sim {
namespace {

constexpr size_t kPlannerBlocks = 16;  // Marlin's BLOCK_BUFFER_SIZE

}  // namespace

std::unique_ptr<MarlinSim> MarlinSim::Create(absl::Duration line_time,
                                             MarlinQuirks quirks) {
  std::unique_ptr<MarlinSim> sim(new MarlinSim());
  sim->line_time_ = line_time;
  {
    MutexLock lock(&sim->sim_mu_);
    sim->quirks_ = quirks;
  }
  if (!sim->Begin()) return nullptr;
  sim->Send("start\necho:Marlin werkbank-sim\n");
  return sim;
}

MarlinSim::~MarlinSim() { Finish(); }

void MarlinSim::Reset(bool banner) {
  MutexLock lock(&sim_mu_);
  last_n_ = 0;
  pending_.clear();
  lines_.clear();
  pending_oks_.clear();
  move_ends_.clear();
  motion_end_ = absl::InfinitePast();
  waiting_heat_ = waiting_bed_ = false;
  autoreport_ = false;
  hotend_target_ = 0;
  bed_target_ = 0;
  halted_ = false;
  if (banner) Send("start\necho:Marlin werkbank-sim\n");
}

void MarlinSim::SetKinematics(const gcode::Kinematics& k) {
  MutexLock lock(&sim_mu_);
  quirks_.kinematics = k;
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
    if (line.empty()) continue;
    if (EmergencyParser(line)) return;
    lines_.push_back(std::move(line));
  }
  ProcessLines();
}

bool MarlinSim::EmergencyParser(const std::string& line) {
  if (absl::StrContains(line, "M112")) {
    halted_ = true;
    hotend_target_ = 0;
    bed_target_ = 0;
    lines_.clear();
    Accept("M112");
    Send("Error:Printer halted. kill() called!\n");
    return true;
  }
  if (halted_) return false;
  if (absl::StrContains(line, "M108") && (waiting_heat_ || waiting_bed_)) {
    // Ends the wait for temperature: the M109/M190 is done.
    waiting_heat_ = waiting_bed_ = false;
    Send("ok\n");
  }
  if (absl::StrContains(line, "M410")) Accept("M410 (quickstop)");
  return false;
}

void MarlinSim::ProcessLines() {
  while (!lines_.empty() && !waiting_heat_ && !waiting_bed_ && !halted_) {
    std::string line = std::move(lines_.front());
    lines_.pop_front();
    OnLine(std::move(line));
  }
}

void MarlinSim::OnLine(std::string line) {
  if (ShouldCorrupt()) Corrupt(line);
  const bool other = quirks_.other_error_wording;
  const bool ok_after_resend = !quirks_.no_ok_after_resend;
  // Every resend below answers before last_n_ moves on.
  auto resend = [&, last_n = last_n_](const std::string& marlin_why,
                                      const std::string& other_why) {
    std::string out = other ? absl::StrCat("Error: ", other_why, "\n")
                            : absl::StrCat("Error:", marlin_why,
                                           ", Last Line: ", last_n, "\n");
    absl::StrAppend(&out, "Resend: ", last_n + 1, "\n");
    if (ok_after_resend) out += "ok\n";
    Send(out);
  };
  std::string command = line;
  if (line[0] == 'N') {
    const size_t star = line.rfind('*');
    if (star == std::string::npos) {
      resend("No Checksum with line number", "Missing checksum");
      return;
    }
    unsigned char cs = 0;
    for (size_t i = 0; i < star; ++i) cs ^= static_cast<unsigned char>(line[i]);
    int given = -1;
    if (!absl::SimpleAtoi(line.substr(star + 1), &given) || given != cs) {
      resend("checksum mismatch", "Checksum mismatch");
      return;
    }
    const size_t space = line.find(' ');
    int64_t n = -1;
    if (space == std::string::npos || space > star ||
        !absl::SimpleAtoi(line.substr(1, space - 1), &n)) {
      resend("No Line Number with checksum", "Missing line number");
      return;
    }
    command = line.substr(space + 1, star - space - 1);
    if (absl::StartsWith(command, "M110")) {
      // M110 N<n> sets the number; without N, the line's own number does.
      int64_t set = n;
      const size_t p = command.find(" N");
      if (p != std::string::npos)
        (void)absl::SimpleAtoi(command.substr(p + 2), &set);
      last_n_ = set;
      Send("ok\n");
      return;
    }
    if (n != last_n_ + 1) {
      resend("Line Number is not Last Line Number+1",
             absl::StrCat("expected line ", last_n_ + 1, " got ", n));
      return;
    }
    last_n_ = n;
  } else if (line.find('*') != std::string::npos) {
    resend("No Line Number with checksum", "Missing line number");
    return;
  } else if (quirks_.checksum_required) {
    resend("No Checksum with line number", "Missing checksum");
    return;
  }
  Execute(command);
}

std::string MarlinSim::Report() {
  if (quirks_.reports_without_targets) {
    return absl::StrFormat("T:%.2f B:%.2f", hotend_, bed_);
  }
  return absl::StrFormat("T:%.1f /%.1f B:%.1f /%.1f @:0 B@:0", hotend_,
                         hotend_target_.load(), bed_, bed_target_.load());
}

std::string MarlinSim::SettingsReport() {
  // Marlin 2's format: a heading per group, then the command that would set
  // it; feedrates in mm/s.
  const gcode::Kinematics& k = quirks_.kinematics;
  return absl::StrFormat(
      "echo:; Linear Units:\necho:  G21 ; (mm)\n"
      "echo:; Steps per unit:\necho:  M92 X80.00 Y80.00 Z400.00 E93.00\n"
      "echo:; Maximum feedrates (units/s):\n"
      "echo:  M203 X%.2f Y%.2f Z%.2f E25.00\n"
      "echo:; Maximum Acceleration (units/s2):\n"
      "echo:  M201 X%.2f Y%.2f Z%.2f E10000.00\n"
      "echo:; Acceleration (units/s2) (P<print-accel> R<retract-accel> "
      "T<travel-accel>):\n"
      "echo:  M204 P%.2f R%.2f T%.2f\n"
      "echo:; Advanced (B<min_segment_time_us> S<min_feedrate> "
      "T<min_travel_feedrate> J<junc_dev>):\n"
      "echo:  M205 B20000.00 S0.00 T0.00 J%.3f\n",
      k.max_rate_mm_min[0] / 60, k.max_rate_mm_min[1] / 60,
      k.max_rate_mm_min[2] / 60, k.acceleration_mm_s2[0],
      k.acceleration_mm_s2[1], k.acceleration_mm_s2[2],
      k.print_acceleration_mm_s2, k.print_acceleration_mm_s2,
      k.travel_acceleration_mm_s2, k.junction_deviation_mm);
}

void MarlinSim::Execute(const std::string& command) {
  auto value = [&](char letter) -> double {
    size_t p = command.find(std::string(" ") + letter);
    return p == std::string::npos ? 0 : std::atof(command.c_str() + p + 2);
  };
  if (absl::StartsWith(command, "M115")) {
    Send(
        absl::StrCat("FIRMWARE_NAME:Marlin werkbank-sim PROTOCOL_VERSION:1.0\n",
                     quirks_.no_autoreport ? "" : "Cap:AUTOREPORT_TEMP:1\n",
                     "Cap:EMERGENCY_PARSER:1\nok\n"));
    return;
  }
  if (command == "M503") {
    // Not a setting change: nothing to accept, like M115.
    Send(quirks_.no_settings_report ? "echo:Unknown command: \"M503\"\n"
                                    : SettingsReport());
    Ok();
    return;
  }
  if (absl::StartsWith(command, "M105")) {
    Send(absl::StrCat("ok ", Report(), "\n"));
    return;
  }
  if (absl::StartsWith(command, "M108") || absl::StartsWith(command, "M410")) {
    Send("ok\n");
    return;
  }
  if (absl::StartsWith(command, "M155")) {
    autoreport_ = value('S') > 0 && !quirks_.no_autoreport;
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
  if (absl::StartsWith(command, "M109 ") && hotend_target_ > 0) {
    waiting_heat_ = true;  // the ok comes once the hotend is there
    return;
  }
  if (absl::StartsWith(command, "M190 ") && bed_target_ > 0) {
    waiting_bed_ = true;
    return;
  }
  const absl::Duration move = MoveTime(command);
  if (move <= absl::ZeroDuration()) {
    if (!ShouldDropOk()) Ok();
    return;
  }
  // Marlin answers a move once its planner (16 blocks) has room for it; the
  // moves run one after another.
  const absl::Time now = absl::Now();
  motion_end_ = std::max(now, motion_end_) + move;
  move_ends_.push_back(motion_end_);
  absl::Time room = now;
  if (move_ends_.size() > kPlannerBlocks) {
    room = move_ends_.front();
    move_ends_.pop_front();
  }
  if (ShouldDropOk()) return;
  if (!pending_oks_.empty()) room = std::max(room, pending_oks_.back());
  pending_oks_.push_back(room + line_time_);
}

absl::Duration MarlinSim::MoveTime(const std::string& command) {
  if (!quirks_.motion_time) return absl::ZeroDuration();
  const gcode::Line parsed = gcode::ParseLine(command, 0);
  if (parsed.command != "G0" && parsed.command != "G1") {
    return absl::ZeroDuration();
  }
  if (auto f = parsed.Get('F')) feed_ = *f;
  static const char kAxis[] = "XYZ";
  std::array<double, 3> delta = {0, 0, 0};
  for (size_t k = 0; k < 3; ++k) {
    if (auto v = parsed.Get(kAxis[k])) {
      delta[k] = *v - pos_[k];
      pos_[k] = *v;
    }
  }
  const double length = std::sqrt(delta[0] * delta[0] + delta[1] * delta[1] +
                                  delta[2] * delta[2]);
  if (length <= 0) return absl::ZeroDuration();
  // A move without E is a travel move for Marlin's planner (M204 T).
  return absl::Seconds(gcode::MotionTime(quirks_.kinematics)
                           .Alone(delta, length,
                                  parsed.command == "G0" ? 0 : feed_,
                                  /*travel=*/!parsed.Get('E')) /
                       quirks_.time_scale);
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
  // First-order heating towards the targets (or a fixed rate).
  const bool heating = hotend_target_ > 0 && !heater_broken_;
  if (heating && quirks_.heat_rate_c_per_s > 0) {
    hotend_ = std::min<double>(hotend_target_,
                               hotend_ + quirks_.heat_rate_c_per_s / 100);
  } else {
    hotend_ +=
        (heating ? hotend_target_.load() - hotend_ : 20 - hotend_) * 0.05;
  }
  const double bed_target = bed_target_;
  bed_ += (bed_target > 0 ? bed_target - bed_ : 20 - bed_) * 0.02;
  const absl::Time now = absl::Now();
  if (autoreport_ && !halted_ && now >= next_report_) {
    next_report_ = now + absl::Seconds(1);
    Send(absl::StrCat(" ", Report(), "\n"));
  }
  if (waiting_heat_ || waiting_bed_) {
    const bool there =
        waiting_heat_ ? hotend_ >= hotend_target_ - 1 : bed_ >= bed_target_ - 1;
    if (there) {
      waiting_heat_ = waiting_bed_ = false;
      Ok();
    } else if (now >= next_wait_report_) {
      // What Marlin prints while it waits: reports, and busy if enabled.
      next_wait_report_ = now + absl::Seconds(1);
      Send(absl::StrCat(" ", Report(), " W:?\n"));
      if (quirks_.busy_keepalive) Send("echo:busy: processing\n");
    }
  }
  ProcessLines();
}

}  // namespace werkbank::sim
