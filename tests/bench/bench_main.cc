// SPDX-License-Identifier: EUPL-1.2
// werkbank-bench COMMAND: see bench.h.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "attack_load.h"
#include "bench.h"

namespace werkbank::bench {

void PrintPercentiles(const std::string& name, std::vector<double> values,
                      const std::string& unit) {
  if (values.empty()) {
    std::printf("%s: no samples\n", name.c_str());
    return;
  }
  std::sort(values.begin(), values.end());
  auto at = [&](double q) {
    return values[std::min(
        values.size() - 1,
        static_cast<size_t>(q * static_cast<double>(values.size())))];
  };
  std::printf("%s: p50 %.1f %s, p99 %.1f %s, max %.1f %s (n=%zu)\n",
              name.c_str(), at(0.5), unit.c_str(), at(0.99), unit.c_str(),
              values.back(), unit.c_str(), values.size());
}

void PrintMachine() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::printf("machine: %s, %u cores\n", model.c_str(),
              std::thread::hardware_concurrency());
}

std::optional<int> IntArg(int argc, char** argv, int index, const char* name,
                          int min, int max, int fallback) {
  if (index >= argc) return fallback;
  int value = 0;
  if (!absl::SimpleAtoi(argv[index], &value) || value < min || value > max) {
    std::fprintf(
        stderr,
        "werkbank-bench: %s must be a number from %d to %d, not \"%s\"\n", name,
        min, max, argv[index]);
    return std::nullopt;
  }
  return value;
}

}  // namespace werkbank::bench

int main(int argc, char** argv) {
  // As in werkbankd: the measuring client should not spend the two cores on
  // absl's lock-order bookkeeping either.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "stream")
    return werkbank::bench::StreamBench(argc - 2, argv + 2);
  if (command == "booking")
    return werkbank::bench::BookingBench(argc - 2, argv + 2);
  if (command == "upload")
    return werkbank::bench::UploadBench(argc - 2, argv + 2);
  if (command == "attack")
    return werkbank::bench::AttackBench(argc - 2, argv + 2);
  if (command == "attack-load")
    return werkbank::bench::AttackLoad(argc - 2, argv + 2);
  std::fprintf(
      stderr,
      "usage: werkbank-bench stream [LINES] | booking [CLIENTS] [SECONDS] "
      "[KEEP_PERCENT] | upload [RUNS] [SIZE_MB...]\n"
      "       werkbank-bench attack [SECONDS] [IDLE_CONNECTIONS] "
      "[in-process]\n"
      "  stream   streaming throughput and stop latency against the "
      "simulators\n"
      "  booking  concurrent bookings over TLS against the SQLite ceiling\n"
      "  upload   big programs: upload and preflight time, lines/s, the\n"
      "           daemon's peak memory growth, a refused start (10/50/100 "
      "MB)\n"
      "  attack   issue 11's findings at full speed while printers stream\n"
      "           and people book: stop and booking latency, RSS, threads\n"
      "           (default 40 s and 2000 idle connections; the attackers\n"
      "           run in a process of their own at nice 19 unless\n"
      "           in-process)\n");
  return 2;
}
