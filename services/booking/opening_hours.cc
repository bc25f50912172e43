// SPDX-License-Identifier: EUPL-1.2
// Opening hours across time zones and DST; see opening_hours.h.
#include "opening_hours.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "date/tz.h"
#include "services/config/config_loader.h"

namespace werkbank::booking {
namespace {

using std::chrono::microseconds;
using std::chrono::minutes;

absl::Time ToAbsl(date::sys_time<microseconds> t) {
  return absl::FromUnixMicros(t.time_since_epoch().count());
}

date::sys_time<microseconds> ToSys(absl::Time t) {
  return date::sys_time<microseconds>(microseconds(absl::ToUnixMicros(t)));
}

std::string Clock(int m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", m / 60, m % 60);
  return buf;
}

}  // namespace

absl::StatusOr<OpeningHours> OpeningHours::FromConfig(
    const v1::Config& config) {
  OpeningHours oh;
  try {
    oh.zone_ = date::locate_zone(config.time_zone());
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone \"", config.time_zone(), "\""));
  }
  for (const v1::OpeningHours& block : config.opening_hours()) {
    auto open = config::ParseClockMinutes(block.open());
    auto close = config::ParseClockMinutes(block.close());
    if (!open.ok()) return open.status();
    if (!close.ok()) return close.status();
    for (int day : block.days()) {
      if (day >= 1 && day <= 7) oh.by_day_[day].push_back({*open, *close});
    }
  }
  for (auto& v : oh.by_day_) std::sort(v.begin(), v.end());
  return oh;
}

std::vector<Interval> OpeningHours::OpenIntervals(absl::Time from,
                                                  absl::Time to) const {
  std::vector<Interval> raw;
  if (from >= to) return raw;
  // Local days from the day before `from` to the day after `to`, so that no
  // interval that reaches into the range is missed whatever the UTC offset.
  const auto first =
      date::floor<date::days>(zone_->to_local(ToSys(from - absl::Hours(24))));
  const auto last =
      date::floor<date::days>(zone_->to_local(ToSys(to + absl::Hours(24))));
  for (auto day = first; day <= last; day += date::days(1)) {
    const unsigned iso = date::weekday(day).iso_encoding();
    for (auto [open, close] : by_day_[iso]) {
      // A wall-clock time skipped by DST maps to the moment of the change;
      // one that occurs twice maps to its first occurrence.
      const auto start =
          zone_->to_sys(day + minutes(open), date::choose::earliest);
      const auto end =
          zone_->to_sys(day + minutes(close), date::choose::earliest);
      raw.push_back({ToAbsl(start), ToAbsl(end)});
    }
  }
  std::sort(raw.begin(), raw.end());
  std::vector<Interval> merged;
  for (const Interval& iv : raw) {
    if (!merged.empty() && iv.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, iv.second);
    } else {
      merged.push_back(iv);
    }
  }
  std::vector<Interval> out;
  for (Interval iv : merged) {
    iv.first = std::max(iv.first, from);
    iv.second = std::min(iv.second, to);
    if (iv.first < iv.second) out.push_back(iv);
  }
  return out;
}

bool OpeningHours::Covers(absl::Time start, absl::Time end) const {
  for (const Interval& iv : OpenIntervals(start, end)) {
    if (iv.first <= start && end <= iv.second) return true;
  }
  return false;
}

int OpeningHours::LocalMinuteOfDay(absl::Time t) const {
  const auto local = zone_->to_local(ToSys(t));
  const auto since_midnight = local - date::floor<date::days>(local);
  return static_cast<int>(
      std::chrono::duration_cast<minutes>(since_midnight).count());
}

std::string OpeningHours::FormatLocal(absl::Time t) const {
  const auto zoned = date::make_zoned(zone_, date::floor<minutes>(ToSys(t)));
  return date::format("%Y-%m-%d %H:%M %Z", zoned);
}

std::vector<std::string> OpeningHours::Describe() const {
  static const char* kNames[] = {"",    "Mon", "Tue", "Wed",
                                 "Thu", "Fri", "Sat", "Sun"};
  std::vector<std::string> out;
  for (int d = 1; d <= 7; ++d) {
    std::string line = kNames[d];
    if (by_day_[d].empty()) {
      line += " closed";
    }
    for (auto [open, close] : by_day_[d]) {
      absl::StrAppend(&line, " ", Clock(open), "-", Clock(close));
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace werkbank::booking
