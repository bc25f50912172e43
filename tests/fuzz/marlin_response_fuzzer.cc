// SPDX-License-Identifier: EUPL-1.2
// Fuzz target: the Marlin host protocol fed arbitrary firmware output.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "drivers/marlin/marlin_host.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  werkbank::marlin::MarlinHost host({.window = 3,
                                     .response_timeout = absl::Seconds(1),
                                     .probe_timeout = absl::Seconds(1)});
  absl::Time now = absl::FromUnixSeconds(1790000000);
  host.StartJob({"G28", "G1 X10 Y10 F1200", "M104 S200", "G1 X20"}, now);
  std::string line;
  for (size_t i = 0; i < size; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c != '\n') {
      line.push_back(c);
      continue;
    }
    host.OnLine(line, now);
    (void)werkbank::marlin::ParseTemperatures(line);
    line.clear();
    now += absl::Milliseconds(300);
    for (int k = 0; k < 4 && !host.Poll(now).empty(); ++k) {
    }
  }
  if (!line.empty()) host.OnLine(line, now);
  (void)host.EmergencyStop("fuzz");
  return 0;
}
