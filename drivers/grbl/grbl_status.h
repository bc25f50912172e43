// SPDX-License-Identifier: EUPL-1.2
// Parsing of GRBL 1.1 push messages: status reports
// `<State|MPos|WPos|FS|Bf|Pn|WCO|Ov|A>`, `error:N`, `ALARM:N`, and the
// meanings of their codes for people.
#ifndef WERKBANK_DRIVERS_GRBL_GRBL_STATUS_H_
#define WERKBANK_DRIVERS_GRBL_GRBL_STATUS_H_

#include <array>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace werkbank::grbl {

struct Status {
  std::string state;  // "Idle", "Run", "Hold", "Door", "Alarm", "Check", ...
  int substate = -1;  // e.g. 0 in "Hold:0"
  std::array<double, 3> mpos = {0, 0, 0};
  bool has_mpos = false;
  std::array<double, 3> wpos = {0, 0, 0};
  bool has_wpos = false;
  std::array<double, 3> wco = {0, 0, 0};
  bool has_wco = false;
  double feed = 0, spindle = 0;
  int planner_free = -1, rx_free = -1;  // Bf:
  std::string pins;                     // Pn: e.g. "XD"
  std::array<int, 3> overrides = {100, 100, 100};
  std::string accessories;  // A: e.g. "SM"

  // The door pin, or a door state other than Door:0 ("closed, ready to
  // resume").
  bool door_open() const {
    return pins.find('D') != std::string::npos ||
           (state == "Door" && substate != 0);
  }
};

// nullopt unless `line` is a well-formed status report.
std::optional<Status> ParseStatus(absl::string_view line);

// "error:20" -> 20, "ALARM:1" -> 1; nullopt otherwise.
std::optional<int> ParseError(absl::string_view line);
std::optional<int> ParseAlarm(absl::string_view line);

std::string ErrorMeaning(int code);
std::string AlarmMeaning(int code);

}  // namespace werkbank::grbl

#endif  // WERKBANK_DRIVERS_GRBL_GRBL_STATUS_H_
