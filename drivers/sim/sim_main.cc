// SPDX-License-Identifier: EUPL-1.2
// werkbank-sim: runs a simulated Marlin printer or GRBL laser on a
// pseudo-terminal and prints its device path, for the demo lab, end-to-end
// tests and benchmarks. It runs until SIGINT or SIGTERM.
//
//   werkbank-sim marlin|grbl [--corrupt FRACTION] [--drop-ok FRACTION]
//                [--block-us N] [--line-us N] [--no-laser-mode] [--state-file
//                PATH]
//                [--control-file PATH] [--link PATH]
//                [--motion-time] [--time-scale N] [--max-rate X,Y,Z]
//                [--acceleration X,Y,Z] [--move-acceleration PRINT,TRAVEL]
//                [--no-m503]
//
// With --motion-time each move takes as long as the firmware's motion would
// (its feed rate, distance and acceleration; --max-rate in mm/min and
// --acceleration in mm/s² are the machine's, reported by GRBL in `$$`),
// divided by --time-scale. --move-acceleration is a printer's M204 P and T
// (mm/s²); the printer reports all of these in M503, which --no-m503 makes
// an unknown command, as in builds without the settings report.
// With --state-file it rewrites PATH (laser, hotend target, state, accepted
// lines and the last few of them) every 50 ms, so that a test can see what the
// machine does. With
// --control-file it reads commands from PATH when it appears and deletes it:
// "door open", "door closed", "alarm N", "reset", "thermal runaway", "heater
// broken", "unplug", "replug". With
// --link it keeps PATH a symlink to its current device, as udev does for a
// USB serial adapter; "replug" gives it a new device behind the same link.
#include <signal.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "grbl_sim.h"
#include "marlin_sim.h"

namespace {

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int Usage() {
  std::cerr << "usage: werkbank-sim marlin|grbl [--corrupt FRACTION] "
               "[--drop-ok FRACTION]\n"
               "                    [--block-us N] [--no-laser-mode] "
               "[--state-file PATH]\n"
               "                    [--motion-time] [--time-scale N] "
               "[--max-rate X,Y,Z] [--acceleration X,Y,Z]\n"
               "                    [--move-acceleration PRINT,TRAVEL] "
               "[--no-m503]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string kind = argv[1];
  werkbank::sim::Faults faults;
  werkbank::sim::GrblSimOptions grbl;
  std::string state_file, control_file, link;
  absl::Duration line_time;  // Marlin: time per command
  werkbank::sim::MarlinQuirks marlin_quirks;
  std::optional<std::array<double, 3>> max_rate, acceleration;
  std::optional<std::array<double, 2>> move_acceleration;
  // "X,Y,Z" (or "P,T") into N positive numbers.
  auto numbers = [](const char* text,
                    auto out) -> std::optional<decltype(out)> {
    std::vector<std::string> parts = absl::StrSplit(text, ',');
    if (parts.size() != out.size()) return std::nullopt;
    for (size_t k = 0; k < out.size(); ++k) {
      if (!absl::SimpleAtod(parts[k], &out[k]) || out[k] <= 0)
        return std::nullopt;
    }
    return out;
  };
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](double& out) {
      return i + 1 < argc && absl::SimpleAtod(argv[++i], &out);
    };
    double v = 0;
    if (a == "--corrupt" && value(v)) {
      faults.corrupt_fraction = v;
    } else if (a == "--drop-ok" && value(v)) {
      faults.drop_ok_fraction = v;
    } else if (a == "--block-us" && value(v)) {
      grbl.block_time = absl::Microseconds(v);
    } else if (a == "--line-us" && value(v)) {
      line_time = absl::Microseconds(v);
    } else if (a == "--motion-time") {
      grbl.motion_time = marlin_quirks.motion_time = true;
    } else if (a == "--time-scale" && value(v) && v > 0) {
      grbl.time_scale = marlin_quirks.time_scale = v;
    } else if (a == "--max-rate" && i + 1 < argc &&
               (max_rate = numbers(argv[++i], std::array<double, 3>{}))) {
    } else if (a == "--acceleration" && i + 1 < argc &&
               (acceleration = numbers(argv[++i], std::array<double, 3>{}))) {
    } else if (a == "--move-acceleration" && i + 1 < argc &&
               (move_acceleration =
                    numbers(argv[++i], std::array<double, 2>{}))) {
    } else if (a == "--no-m503") {
      marlin_quirks.no_settings_report = true;
    } else if (a == "--no-laser-mode") {
      grbl.laser_mode = false;
    } else if (a == "--state-file" && i + 1 < argc) {
      state_file = argv[++i];
    } else if (a == "--control-file" && i + 1 < argc) {
      control_file = argv[++i];
    } else if (a == "--link" && i + 1 < argc) {
      link = argv[++i];
    } else {
      return Usage();
    }
  }
  if (kind != "marlin" && kind != "grbl") return Usage();
  if (max_rate) {
    grbl.kinematics.max_rate_mm_min = marlin_quirks.kinematics.max_rate_mm_min =
        *max_rate;
  }
  if (acceleration) {
    grbl.kinematics.acceleration_mm_s2 =
        marlin_quirks.kinematics.acceleration_mm_s2 = *acceleration;
  }
  if (move_acceleration) {
    marlin_quirks.kinematics.print_acceleration_mm_s2 = (*move_acceleration)[0];
    marlin_quirks.kinematics.travel_acceleration_mm_s2 =
        (*move_acceleration)[1];
  }
  std::unique_ptr<werkbank::sim::MarlinSim> marlin;
  std::unique_ptr<werkbank::sim::GrblSim> laser;
  werkbank::sim::FirmwareSim* sim = nullptr;
  size_t accepted_before = 0;  // lines accepted by earlier incarnations
  auto plug_in = [&]() {
    if (sim != nullptr) accepted_before += sim->Accepted().size();
    marlin.reset();
    laser.reset();
    sim = nullptr;
    if (kind == "marlin") {
      marlin = werkbank::sim::MarlinSim::Create(line_time, marlin_quirks);
      sim = marlin.get();
    } else {
      laser = werkbank::sim::GrblSim::Create(grbl);
      sim = laser.get();
    }
    if (sim == nullptr) return false;
    sim->SetFaults(faults);
    if (!link.empty()) {
      std::error_code ec;
      std::filesystem::remove(link + ".new", ec);
      std::filesystem::create_symlink(sim->device(), link + ".new", ec);
      std::filesystem::rename(link + ".new", link, ec);
    }
    return true;
  };
  if (!plug_in()) {
    std::cerr << "werkbank-sim: cannot create a pseudo-terminal\n";
    return 1;
  }
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  std::cout << "werkbank-sim: " << kind << " on " << sim->device() << std::endl;
  bool unplugged = false;
  while (!g_stop) {
    if (!control_file.empty() && std::filesystem::exists(control_file)) {
      std::string command;
      {
        std::ifstream in(control_file);
        std::getline(in, command);
      }
      std::filesystem::remove(control_file);
      if (command == "door open" && laser) laser->SetDoorOpen(true);
      if (command == "door closed" && laser) laser->SetDoorOpen(false);
      if (command.rfind("alarm ", 0) == 0 && laser) {
        laser->RaiseAlarm(std::atoi(command.c_str() + 6));
      }
      if (command == "reset") {
        if (laser) laser->Reset();
        if (marlin) marlin->Reset();
      }
      if (command == "thermal runaway" && marlin) marlin->ThermalRunaway();
      if (command == "heater broken" && marlin) marlin->BreakHeater();
      if (command == "unplug") {
        sim->Disconnect();
        unplugged = true;
      }
      if (command == "replug" && unplugged) {
        unplugged = false;
        plug_in();
      }
    }
    if (!state_file.empty()) {
      std::string state =
          marlin ? absl::StrCat("halted=", marlin->halted() ? 1 : 0,
                                "\nhotend_target=", marlin->hotend_target(),
                                "\nbed_target=", marlin->bed_target(), "\n")
                 : absl::StrCat("laser_on=", laser->laser_on() ? 1 : 0,
                                "\nstate=", laser->state(), "\n");
      const std::vector<std::string> accepted = sim->Accepted();
      // The last few accepted lines, oldest first, for order checks.
      const size_t tail_from = accepted.size() > 8 ? accepted.size() - 8 : 0;
      absl::StrAppend(
          &state, "accepted=", accepted_before + accepted.size(),
          "\nlast=", accepted.empty() ? "" : accepted.back(), "\ntail=",
          absl::StrJoin(accepted.begin() + static_cast<long>(tail_from),
                        accepted.end(), "|"),
          "\nplugged=", unplugged ? 0 : 1, "\n");
      const std::string tmp = state_file + ".tmp";
      std::ofstream(tmp) << state;
      std::rename(tmp.c_str(), state_file.c_str());
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return 0;
}
