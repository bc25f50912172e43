// SPDX-License-Identifier: EUPL-1.2
// Marlin's settings report; see settings_report.h.
#include "settings_report.h"

#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace werkbank::marlin {
namespace {

// "X300.00" in the words after the command: the positive value of `letter`.
std::optional<double> Word(const std::vector<absl::string_view>& words,
                           char letter) {
  for (absl::string_view w : words) {
    double v = 0;
    if (w.size() > 1 && absl::ascii_toupper(w[0]) == letter &&
        absl::SimpleAtod(w.substr(1), &v) && v > 0) {
      return v;
    }
  }
  return std::nullopt;
}

}  // namespace

bool SettingsReport::OnLine(absl::string_view line) {
  line = absl::StripAsciiWhitespace(line);
  if (absl::StartsWithIgnoreCase(line, "echo:")) {
    line = absl::StripLeadingAsciiWhitespace(line.substr(5));
  }
  // "M204 P3000.00 ; comment": the comment goes.
  line = absl::StripTrailingAsciiWhitespace(line.substr(0, line.find(';')));
  const std::vector<absl::string_view> words =
      absl::StrSplit(line, ' ', absl::SkipEmpty());
  if (words.empty()) return false;
  const absl::string_view command = words.front();
  if (command == "G20" || command == "G21") {
    unit_mm_ = command == "G20" ? 25.4 : 1;
    return false;
  }
  static const char kAxis[] = "XYZ";
  bool read = false;
  if (command == "M203" || command == "M201") {
    for (size_t k = 0; k < 3; ++k) {
      const std::optional<double> v = Word(words, kAxis[k]);
      if (!v) continue;
      if (command == "M203") {
        settings_.max_rate_mm_min[k] = *v * unit_mm_ * 60;  // mm/s to mm/min
      } else {
        settings_.acceleration_mm_s2[k] = *v * unit_mm_;
      }
      read = true;
    }
  } else if (command == "M204") {
    // Marlin 1.1 and 2: P print, R retract, T travel. Marlin 1.0: S for
    // every move, T for retracts.
    const std::optional<double> p = Word(words, 'P');
    const std::optional<double> s = Word(words, 'S');
    const std::optional<double> print = p ? p : s;
    const std::optional<double> travel = p ? Word(words, 'T') : s;
    if (print) settings_.print_acceleration_mm_s2 = *print * unit_mm_;
    if (travel) settings_.travel_acceleration_mm_s2 = *travel * unit_mm_;
    read = print || travel;
  }
  found_ = found_ || read;
  return read;
}

}  // namespace werkbank::marlin
