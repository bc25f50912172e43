// SPDX-License-Identifier: EUPL-1.2
// GRBL 1.1 message parsing; see grbl_status.h.
#include "grbl_status.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace werkbank::grbl {
namespace {

bool ParseTriple(absl::string_view text, std::array<double, 3>& out) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ',');
  if (parts.size() < 3) return false;
  for (int k = 0; k < 3; ++k) {
    if (!absl::SimpleAtod(parts[static_cast<size_t>(k)],
                          &out[static_cast<size_t>(k)])) {
      return false;
    }
  }
  return true;
}

std::optional<int> Code(absl::string_view line, absl::string_view prefix) {
  if (!absl::StartsWith(line, prefix)) return std::nullopt;
  int code = 0;
  if (!absl::SimpleAtoi(line.substr(prefix.size()), &code)) return std::nullopt;
  return code;
}

}  // namespace

std::optional<Status> ParseStatus(absl::string_view line) {
  if (line.size() < 3 || line.front() != '<' || line.back() != '>')
    return std::nullopt;
  std::vector<absl::string_view> fields =
      absl::StrSplit(line.substr(1, line.size() - 2), '|');
  Status s;
  std::vector<absl::string_view> state = absl::StrSplit(fields[0], ':');
  s.state = std::string(state[0]);
  if (s.state.empty()) return std::nullopt;
  if (state.size() > 1 && !absl::SimpleAtoi(state[1], &s.substate))
    return std::nullopt;
  for (size_t i = 1; i < fields.size(); ++i) {
    const size_t colon = fields[i].find(':');
    if (colon == absl::string_view::npos) return std::nullopt;
    const absl::string_view key = fields[i].substr(0, colon);
    const absl::string_view value = fields[i].substr(colon + 1);
    bool ok = true;
    if (key == "MPos") {
      ok = s.has_mpos = ParseTriple(value, s.mpos);
    } else if (key == "WPos") {
      ok = s.has_wpos = ParseTriple(value, s.wpos);
    } else if (key == "WCO") {
      ok = s.has_wco = ParseTriple(value, s.wco);
    } else if (key == "FS" || key == "F") {
      std::vector<absl::string_view> fs = absl::StrSplit(value, ',');
      ok = absl::SimpleAtod(fs[0], &s.feed) &&
           (fs.size() < 2 || absl::SimpleAtod(fs[1], &s.spindle));
    } else if (key == "Bf") {
      std::vector<absl::string_view> bf = absl::StrSplit(value, ',');
      ok = bf.size() == 2 && absl::SimpleAtoi(bf[0], &s.planner_free) &&
           absl::SimpleAtoi(bf[1], &s.rx_free);
    } else if (key == "Pn") {
      s.pins = std::string(value);
    } else if (key == "Ov") {
      std::vector<absl::string_view> ov = absl::StrSplit(value, ',');
      ok = ov.size() == 3;
      for (size_t k = 0; ok && k < 3; ++k)
        ok = absl::SimpleAtoi(ov[k], &s.overrides[k]);
    } else if (key == "A") {
      s.accessories = std::string(value);
    }
    if (!ok) return std::nullopt;
  }
  // Work position from machine position and offset when only one is sent.
  if (s.has_mpos && s.has_wco && !s.has_wpos) {
    for (int k = 0; k < 3; ++k) s.wpos[k] = s.mpos[k] - s.wco[k];
    s.has_wpos = true;
  }
  if (s.has_wpos && s.has_wco && !s.has_mpos) {
    for (int k = 0; k < 3; ++k) s.mpos[k] = s.wpos[k] + s.wco[k];
    s.has_mpos = true;
  }
  return s;
}

std::optional<int> ParseError(absl::string_view line) {
  return Code(line, "error:");
}
std::optional<int> ParseAlarm(absl::string_view line) {
  return Code(line, "ALARM:");
}

std::string ErrorMeaning(int code) {
  switch (code) {
    case 1:
      return "G-code words consist of a letter and a value; letter was not "
             "found";
    case 2:
      return "numeric value format is not valid or missing an expected value";
    case 3:
      return "Grbl '$' system command was not recognized or supported";
    case 9:
      return "G-code locked out during alarm or jog state";
    case 15:
      return "jog target exceeds machine travel";
    case 20:
      return "unsupported or invalid g-code command found in block";
    case 22:
      return "feed rate has not yet been set or is undefined";
    case 33:
      return "motion command has an invalid target";
    default:
      return absl::StrCat("GRBL error ", code);
  }
}

std::string AlarmMeaning(int code) {
  switch (code) {
    case 1:
      return "hard limit triggered; position lost, re-homing is highly "
             "recommended";
    case 2:
      return "soft limit: the motion target exceeds the machine travel";
    case 3:
      return "reset while in motion; position lost, re-homing is highly "
             "recommended";
    case 4:
      return "probe fail: the probe was not in the expected initial state";
    case 5:
      return "probe fail: the probe did not contact the workpiece";
    case 6:
      return "homing fail: reset during active homing cycle";
    case 7:
      return "homing fail: safety door was opened during homing";
    case 8:
      return "homing fail: cycle failed to clear limit switch";
    case 9:
      return "homing fail: could not find limit switch";
    default:
      return absl::StrCat("GRBL alarm ", code);
  }
}

}  // namespace werkbank::grbl
