// werkbank-sim: runs a simulated Marlin printer or GRBL laser on a
// pseudo-terminal and prints its device path, for the demo lab, end-to-end
// tests and benchmarks. It runs until SIGINT or SIGTERM.
//
//   werkbank-sim marlin|grbl [--corrupt FRACTION] [--drop-ok FRACTION]
//                [--block-us N] [--no-laser-mode] [--state-file PATH]
//
// With --state-file it rewrites PATH (laser, hotend and bed targets, state)
// every 50 ms, so that a test can see what the machine is doing.
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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
               "[--state-file PATH]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string kind = argv[1];
  werkbank::sim::Faults faults;
  werkbank::sim::GrblSimOptions grbl;
  std::string state_file;
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
    } else if (a == "--no-laser-mode") {
      grbl.laser_mode = false;
    } else if (a == "--state-file" && i + 1 < argc) {
      state_file = argv[++i];
    } else {
      return Usage();
    }
  }
  std::unique_ptr<werkbank::sim::MarlinSim> marlin;
  std::unique_ptr<werkbank::sim::GrblSim> laser;
  werkbank::sim::FirmwareSim* sim = nullptr;
  if (kind == "marlin") {
    marlin = werkbank::sim::MarlinSim::Create();
    sim = marlin.get();
  } else if (kind == "grbl") {
    laser = werkbank::sim::GrblSim::Create(grbl);
    sim = laser.get();
  } else {
    return Usage();
  }
  if (sim == nullptr) {
    std::cerr << "werkbank-sim: cannot create a pseudo-terminal\n";
    return 1;
  }
  sim->SetFaults(faults);
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  std::cout << "werkbank-sim: " << kind << " on " << sim->device() << std::endl;
  while (!g_stop) {
    if (!state_file.empty()) {
      std::string state =
          marlin
              ? absl::StrCat("halted=", marlin->halted() ? 1 : 0,
                             "\nhotend_target=", marlin->hotend_target(), "\n")
              : absl::StrCat("laser_on=", laser->laser_on() ? 1 : 0,
                             "\nstate=", laser->state(), "\n");
      const std::string tmp = state_file + ".tmp";
      std::ofstream(tmp) << state;
      std::rename(tmp.c_str(), state_file.c_str());
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return 0;
}
