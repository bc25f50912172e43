// SPDX-License-Identifier: EUPL-1.2
// Simulated GRBL 1.1; see grbl_sim.h.
#include "grbl_sim.h"

#include <cmath>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/mutex.h"
#include "drivers/gcode/line.h"

namespace werkbank::sim {
namespace {

constexpr char kBanner[] = "\r\nGrbl 1.1h ['$' for help]\r\n";

bool IsRealtime(unsigned char c) {
  return c == '?' || c == '!' || c == '~' || c == 0x18 || c >= 0x80;
}

const std::set<std::string>& Supported() {
  static const std::set<std::string> kSupported = {
      "G0",  "G1",  "G2",  "G3",  "G4",  "G10", "G17", "G18", "G19", "G20",
      "G21", "G28", "G30", "G40", "G53", "G54", "G55", "G56", "G57", "G58",
      "G59", "G80", "G90", "G91", "G92", "G93", "G94", "M0",  "M1",  "M2",
      "M3",  "M4",  "M5",  "M7",  "M8",  "M9",  "M30"};
  return kSupported;
}

}  // namespace

std::unique_ptr<GrblSim> GrblSim::Create(GrblSimOptions options) {
  std::unique_ptr<GrblSim> sim(new GrblSim(options));
  if (!sim->Begin()) return nullptr;
  sim->Send(kBanner);
  return sim;
}

GrblSim::~GrblSim() { Finish(); }

void GrblSim::SetDoorOpen(bool open) {
  MutexLock lock(&sim_mu_);
  door_ = open;
  if (open) {
    held_ = true;
    state_ = "Door";
  }
}

void GrblSim::RaiseAlarm(int n) {
  MutexLock lock(&sim_mu_);
  alarm_ = true;
  rx_.clear();
  planner_.clear();
  block_times_.clear();
  laser_ = false;
  Send(absl::StrCat("ALARM:", n, "\r\n"));
}

void GrblSim::Reset() {
  MutexLock lock(&sim_mu_);
  SoftReset(/*realtime=*/false);
}

std::optional<absl::Duration> GrblSim::DoorReactionTime() {
  MutexLock lock(&sim_mu_);
  if (!door_reported_at_ || !door_byte_at_) return std::nullopt;
  return *door_byte_at_ - *door_reported_at_;
}

bool GrblSim::overflowed() {
  MutexLock lock(&sim_mu_);
  return overflowed_;
}

bool GrblSim::laser_on() {
  MutexLock lock(&sim_mu_);
  return laser_ && power_ > 0 && !held_ && !alarm_;
}

std::string GrblSim::state() {
  MutexLock lock(&sim_mu_);
  if (alarm_) return "Alarm";
  if (check_) return "Check";
  if (state_ == "Door") return "Door";
  if (held_) return "Hold";
  return planner_.empty() ? "Idle" : "Run";
}

void GrblSim::SoftReset(bool realtime) {
  // As GRBL's mc_reset(): a reset while the machine moves (or decelerates
  // into a hold) loses the position, so it raises ALARM:3 before the banner;
  // an alarm lock survives the reset.
  const bool moving =
      realtime && !planner_.empty() && !check_ &&
      (!held_ || absl::Now() - held_at_ < absl::Milliseconds(50));
  if (moving) {
    alarm_ = true;
    Send("ALARM:3\r\n");
  }
  rx_.clear();
  planner_.clear();
  block_times_.clear();
  held_ = false;
  laser_ = false;
  power_ = 0;
  check_ = false;
  if (state_ == "Door" && !door_) state_ = "Idle";
  Send(kBanner);
  if (alarm_) Send("[MSG:'$H'|'$X' to unlock]\r\n");
}

void GrblSim::OnBytes(absl::string_view bytes) {
  MutexLock lock(&sim_mu_);
  for (char c : bytes) {
    if (IsRealtime(static_cast<unsigned char>(c))) {
      Realtime(c);
      continue;
    }
    rx_.push_back(c);
    if (rx_.size() > options_.rx_buffer_bytes) overflowed_ = true;
  }
  ProcessLines();
}

void GrblSim::Realtime(char c) {
  switch (static_cast<unsigned char>(c)) {
    case '?':
      SendStatus();
      break;
    case '!':
      if (!held_) held_at_ = absl::Now();
      held_ = true;
      break;
    case '~':
      if (!door_) {
        held_ = false;
        if (state_ == "Door") state_ = "Idle";
      }
      break;
    case 0x18:
      SoftReset(/*realtime=*/true);
      break;
    case 0x84:
      if (door_reported_at_ && !door_byte_at_) door_byte_at_ = absl::Now();
      held_ = true;
      state_ = "Door";
      break;
    default:
      break;  // jog cancel and overrides: seen in Received()
  }
}

void GrblSim::ProcessLines() {
  size_t nl;
  while (planner_.size() < options_.planner_blocks &&
         (nl = rx_.find('\n')) != std::string::npos) {
    std::string line = rx_.substr(0, nl);
    rx_.erase(0, nl + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (ShouldCorrupt()) Corrupt(line);
    Execute(line);
  }
  if (options_.block_time == absl::ZeroDuration() && !options_.motion_time &&
      !held_) {
    planner_.clear();
    block_times_.clear();
  }
}

void GrblSim::Execute(const std::string& line) {
  if (line.empty()) {
    Send("ok\r\n");
    return;
  }
  if (line[0] == '$') {
    if (line == "$$") {
      const gcode::Kinematics& k = options_.kinematics;
      Send(absl::StrFormat(
          "$0=10\r\n$1=25\r\n$11=%.3f\r\n$22=1\r\n$30=1000\r\n$31=0\r\n"
          "$32=%d\r\n$110=%.3f\r\n$111=%.3f\r\n$112=%.3f\r\n$120=%.3f\r\n"
          "$121=%.3f\r\n$122=%.3f\r\nok\r\n",
          k.junction_deviation_mm, options_.laser_mode ? 1 : 0,
          k.max_rate_mm_min[0], k.max_rate_mm_min[1], k.max_rate_mm_min[2],
          k.acceleration_mm_s2[0], k.acceleration_mm_s2[1],
          k.acceleration_mm_s2[2]));
    } else if (line == "$C") {
      if (!check_ && alarm_) {
        Send("error:8\r\n");  // check mode only from Idle
      } else if (!check_) {
        check_ = true;
        Send("[MSG:Enabled]\r\nok\r\n");
      } else {
        Send("[MSG:Disabled]\r\nok\r\n");
        SoftReset(/*realtime=*/false);
      }
    } else if (line == "$X") {
      alarm_ = false;
      Send("[MSG:Caution: Unlocked]\r\nok\r\n");
    } else {
      Send("ok\r\n");
    }
    return;
  }
  if (alarm_) {
    Send("error:9\r\n");
    return;
  }
  gcode::Line parsed = gcode::ParseLine(line, 0);
  if (!parsed.error.empty()) {
    Send(absl::StrContains(parsed.error, "needs a number") ? "error:2\r\n"
                                                           : "error:1\r\n");
    return;
  }
  if (!parsed.command.empty() && !Supported().contains(parsed.command)) {
    Send("error:20\r\n");
    return;
  }
  if (check_) {
    Send("ok\r\n");
    return;
  }
  Accept(line);
  if (parsed.command == "M3" || parsed.command == "M4") laser_ = true;
  if (parsed.command == "M5" || parsed.command == "M2" ||
      parsed.command == "M30")
    laser_ = false;
  if (auto s = parsed.Get('S')) power_ = *s;
  if (auto f = parsed.Get('F')) feed_ = *f;
  if (parsed.command == "G0") rapid_ = true;
  if (parsed.command == "G1" || parsed.command == "G2" ||
      parsed.command == "G3")
    rapid_ = false;
  static const char kAxis[] = "XYZ";
  bool moves = false;
  std::array<double, 3> delta = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    if (auto v = parsed.Get(kAxis[k])) {
      const size_t axis = static_cast<size_t>(k);
      delta[axis] = *v - pos_[axis];
      pos_[axis] = *v;
      moves = true;
    }
  }
  if (moves) {
    // An arc counts as its chord: the sim's tests cut straight lines.
    const double length = std::sqrt(delta[0] * delta[0] + delta[1] * delta[1] +
                                    delta[2] * delta[2]);
    const double seconds = gcode::MotionTime(options_.kinematics)
                               .Alone(delta, length, rapid_ ? 0 : feed_) /
                           options_.time_scale;
    const absl::Duration block_time =
        options_.motion_time ? absl::Seconds(seconds) : options_.block_time;
    // A block that reaches an empty planner starts moving now.
    if (planner_.empty()) next_block_ = absl::Now() + block_time;
    planner_.push_back(line);
    block_times_.push_back(block_time);
  }
  Send("ok\r\n");
}

void GrblSim::SendStatus() {
  std::string state;
  if (alarm_) {
    state = "Alarm";
  } else if (check_) {
    state = "Check";
  } else if (state_ == "Door") {
    state = door_ ? "Door:1" : "Door:0";
  } else if (held_) {
    state = "Hold:0";
  } else {
    state = planner_.empty() ? "Idle" : "Run";
  }
  std::string report = absl::StrFormat(
      "<%s|MPos:%.3f,%.3f,%.3f|Bf:%d,%d|FS:0,%.0f", state, pos_[0], pos_[1],
      pos_[2], static_cast<int>(options_.planner_blocks - planner_.size()),
      static_cast<int>(options_.rx_buffer_bytes - rx_.size()),
      laser_ ? power_ : 0.0);
  if (door_) {
    report += "|Pn:D";
    if (!door_reported_at_) door_reported_at_ = absl::Now();
  }
  report += ">\r\n";
  Send(report);
}

void GrblSim::OnTick() {
  MutexLock lock(&sim_mu_);
  const absl::Time now = absl::Now();
  // next_block_: when the front block is done. A held block starts over.
  if (held_ && !planner_.empty()) next_block_ = now + block_times_.front();
  while (!held_ && !planner_.empty() && now >= next_block_) {
    planner_.pop_front();
    block_times_.pop_front();
    if (!planner_.empty()) next_block_ += block_times_.front();
  }
  ProcessLines();
}

}  // namespace werkbank::sim
