// SPDX-License-Identifier: EUPL-1.2
// Fuzz target: GRBL status reports and the GRBL host fed arbitrary output.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "drivers/grbl/grbl_host.h"
#include "drivers/grbl/grbl_status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  werkbank::grbl::GrblHost host;
  absl::Time now = absl::FromUnixSeconds(1790000000);
  (void)host.Poll(now);
  host.OnLine("Grbl 1.1h ['$' for help]", now);
  (void)host.Poll(now);
  host.OnLine("$32=1", now);
  host.OnLine("ok", now);
  host.StartJob({"G21 G90", "M4 S500", "G1 X10 Y10 F1000", "M5"}, now);
  std::string line;
  for (size_t i = 0; i < size; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c != '\n') {
      line.push_back(c);
      continue;
    }
    (void)werkbank::grbl::ParseStatus(line);
    (void)werkbank::grbl::ParseError(line);
    if (!line.empty()) host.OnLine(line, now);
    line.clear();
    now += absl::Milliseconds(120);
    for (int k = 0; k < 8 && !host.Poll(now).empty(); ++k) {
    }
  }
  (void)host.Cancel("fuzz");
  return 0;
}
