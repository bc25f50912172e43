// SPDX-License-Identifier: EUPL-1.2
// Reads the motion rates from Marlin's settings report (the answer to M503),
// one line at a time: max feedrates (M203, mm/s), max accelerations (M201,
// mm/s²) and the print/travel accelerations (M204). Firmwares print these
// lines with "echo:" and one or two spaces, or bare; heading lines
// ("echo:; Maximum feedrates (units/s):") and every other setting are
// skipped. A report in inches (after "G20") is converted to mm.
#ifndef WERKBANK_DRIVERS_MARLIN_SETTINGS_REPORT_H_
#define WERKBANK_DRIVERS_MARLIN_SETTINGS_REPORT_H_

#include "absl/strings/string_view.h"
#include "drivers/stream/host_protocol.h"

namespace werkbank::marlin {

class SettingsReport {
 public:
  // One line from the firmware; true when it carried a figure read here.
  // Values that are not positive numbers are ignored.
  bool OnLine(absl::string_view line);
  // What the report said so far; max rates in mm/min (as GRBL's $110).
  const stream::MotionSettings& settings() const { return settings_; }
  // True once any figure was read.
  bool found() const { return found_; }

 private:
  stream::MotionSettings settings_;
  bool found_ = false;
  double unit_mm_ = 1;  // 25.4 after G20: the report is in inches
};

}  // namespace werkbank::marlin

#endif  // WERKBANK_DRIVERS_MARLIN_SETTINGS_REPORT_H_
