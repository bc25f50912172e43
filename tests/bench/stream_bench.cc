// SPDX-License-Identifier: EUPL-1.2
// werkbank-bench stream: how fast the host streams and how fast it stops.
//
// Throughput: 100,000 lines to each simulator (a separate werkbank-sim
// process, acknowledging at once) over a pseudo-terminal; lines per second
// and host CPU per line (this process only). Stop latency: the time from an
// EmergencyStop() call until its bytes are written, and from the firmware's
// first status report with the door open until the host's 0x84 arrives at
// the firmware, while a program streams.
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <regex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench.h"
#include "drivers/grbl/grbl_host.h"
#include "drivers/marlin/marlin_host.h"
#include "drivers/serial/serial_port.h"
#include "drivers/sim/grbl_sim.h"
#include "drivers/sim/marlin_sim.h"
#include "drivers/stream/streamer.h"
#include "process.h"
#include "temp_dir.h"

namespace werkbank::bench {
namespace {

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::vector<std::string> Program(int n) {
  std::vector<std::string> lines;
  lines.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    lines.push_back(absl::StrCat("G1 X", i % 300, ".", i % 10, " Y",
                                 (i / 300) % 300, " F3000"));
  }
  return lines;
}

std::unique_ptr<stream::HostProtocol> Host(const std::string& kind,
                                           int marlin_window) {
  if (kind == "marlin") {
    return std::make_unique<marlin::MarlinHost>(
        marlin::MarlinOptions{.window = marlin_window});
  }
  return std::make_unique<grbl::GrblHost>();
}

void Throughput(const std::string& kind, int lines, int marlin_window) {
  testing::TempDir dir;
  testing::Background sim({testing::BinPath("werkbank-sim"), kind},
                          dir.File("out"), dir.File("err"));
  std::string device;
  static const std::regex kDevice("on (\\S+)");
  for (int i = 0; i < 500 && device.empty(); ++i) {
    std::smatch m;
    const std::string out = testing::ReadFileOrEmpty(dir.File("out"));
    if (std::regex_search(out, m, kDevice)) device = m[1];
    absl::SleepFor(absl::Milliseconds(10));
  }
  auto port = serial::OpenSerialPort(device, 115200);
  if (!port.ok()) {
    std::printf("%s: cannot open the simulator: %s\n", kind.c_str(),
                std::string(port.status().message()).c_str());
    return;
  }
  stream::Streamer streamer(std::move(*port), Host(kind, marlin_window));
  absl::SleepFor(absl::Milliseconds(200));  // session set-up
  const auto program = Program(lines);
  const double cpu0 = CpuSeconds();
  const absl::Time t0 = absl::Now();
  streamer.StartJob(program);
  const stream::Outcome outcome = streamer.Wait(absl::Minutes(5));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  const double cpu = CpuSeconds() - cpu0;
  if (outcome != stream::Outcome::kCompleted) {
    std::printf("%s: did not complete: %s\n", kind.c_str(),
                streamer.reason().c_str());
    return;
  }
  std::printf("%s: %.0f lines/s, %.1f us/line host CPU (%d lines%s)\n",
              kind.c_str(), lines / seconds, cpu / lines * 1e6, lines,
              kind == "marlin"
                  ? absl::StrCat(", window ", marlin_window).c_str()
                  : ", 128-byte character counting");
  sim.Stop(SIGTERM);
}

void EmergencyStopLatency(const std::string& kind, int trials) {
  std::vector<double> us;
  for (int t = 0; t < trials; ++t) {
    std::unique_ptr<sim::FirmwareSim> sim;
    if (kind == "marlin") {
      sim = sim::MarlinSim::Create();
    } else {
      sim = sim::GrblSim::Create({.block_time = absl::Microseconds(200)});
    }
    auto port = serial::OpenSerialPort(sim->device(), 115200);
    if (!port.ok()) continue;
    stream::Streamer streamer(std::move(*port), Host(kind, 4));
    streamer.StartJob(Program(100000));
    while (streamer.lines_acknowledged() < 100 + t % 50)
      absl::SleepFor(absl::Microseconds(200));
    const absl::Time t0 = absl::Now();
    streamer.EmergencyStop("benchmark");
    us.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
  }
  PrintPercentiles(
      absl::StrCat(kind, ": emergency stop, call to bytes written"), us, "us");
}

void DoorLatency(int trials) {
  std::vector<double> us;
  for (int t = 0; t < trials; ++t) {
    auto sim = sim::GrblSim::Create({.block_time = absl::Microseconds(300)});
    auto port = serial::OpenSerialPort(sim->device(), 115200);
    if (!port.ok()) continue;
    stream::Streamer streamer(std::move(*port), Host("grbl", 1));
    streamer.StartJob(Program(100000));
    while (streamer.lines_acknowledged() < 100)
      absl::SleepFor(absl::Microseconds(200));
    sim->SetDoorOpen(true);
    const absl::Time deadline = absl::Now() + absl::Seconds(2);
    while (!sim->DoorReactionTime() && absl::Now() < deadline)
      absl::SleepFor(absl::Microseconds(100));
    if (auto d = sim->DoorReactionTime())
      us.push_back(absl::ToDoubleMicroseconds(*d));
  }
  PrintPercentiles(
      "grbl: door-open status sent to 0x84 received by the firmware", us, "us");
}

}  // namespace

int StreamBench(int argc, char** argv) {
  const std::optional<int> arg =
      IntArg(argc, argv, 0, "LINES", 1000, 100000000, 100000);
  if (!arg) return 2;
  const int lines = *arg;
  PrintMachine();
  Throughput("grbl", lines, 1);
  Throughput("marlin", lines, 1);
  Throughput("marlin", lines, 4);
  EmergencyStopLatency("grbl", 50);
  EmergencyStopLatency("marlin", 50);
  DoorLatency(30);
  return 0;
}

}  // namespace werkbank::bench
