// SPDX-License-Identifier: EUPL-1.2
// The host-side heater check; see thermal_monitor.h.
#include "thermal_monitor.h"

#include <cmath>

#include "absl/strings/str_format.h"

namespace werkbank::machines {

std::optional<std::string> ThermalMonitor::Check(absl::Time now,
                                                 const stream::Temperatures& t,
                                                 bool active) {
  if (!active || t.hotend_target <= 0) {
    reached_target_ = false;
    drifting_since_.reset();
    progress_at_ = now;
    progress_c_ = t.hotend;
    return std::nullopt;
  }
  if (t.hotend >= t.hotend_target - limits_.band_c) reached_target_ = true;
  if (!reached_target_) {
    if (t.hotend >= progress_c_ + limits_.progress_c) {
      progress_c_ = t.hotend;
      progress_at_ = now;
    } else if (now - progress_at_ > limits_.no_heat) {
      progress_at_ = now;
      return absl::StrFormat(
          "the hotend does not heat: %.0f °C after %d s, target %.0f °C",
          t.hotend, static_cast<int>(absl::ToInt64Seconds(limits_.no_heat)),
          t.hotend_target);
    }
    return std::nullopt;
  }
  if (std::abs(t.hotend - t.hotend_target) <= limits_.band_c) {
    drifting_since_.reset();
    return std::nullopt;
  }
  if (!drifting_since_) drifting_since_ = now;
  if (now - *drifting_since_ > limits_.drift) {
    drifting_since_.reset();
    reached_target_ = false;
    return absl::StrFormat(
        "the hotend drifted to %.0f °C from its target %.0f °C", t.hotend,
        t.hotend_target);
  }
  return std::nullopt;
}

}  // namespace werkbank::machines
