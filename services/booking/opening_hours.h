// SPDX-License-Identifier: EUPL-1.2
// The lab's opening hours in its local time zone, turned into UTC intervals
// with Howard Hinnant's date/tz, so that 09:00-18:00 means 09:00-18:00 on the
// wall clock on both sides of a DST change.
#ifndef WERKBANK_SERVICES_BOOKING_OPENING_HOURS_H_
#define WERKBANK_SERVICES_BOOKING_OPENING_HOURS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "werkbank/v1/config.pb.h"

namespace date {
class time_zone;
}

namespace werkbank::booking {

using Interval = std::pair<absl::Time, absl::Time>;  // [first, second)

class OpeningHours {
 public:
  // From a validated config. Fails only for an unknown time zone.
  static absl::StatusOr<OpeningHours> FromConfig(const v1::Config& config);

  // The open intervals in UTC that overlap [from, to), clipped to it, with
  // intervals that touch (e.g. 18:00-24:00 and 00:00-08:00) merged.
  std::vector<Interval> OpenIntervals(absl::Time from, absl::Time to) const;

  // Whether [start, end) lies inside one open interval.
  bool Covers(absl::Time start, absl::Time end) const;

  // Minutes since local midnight, e.g. 570 for 09:30 local time.
  int LocalMinuteOfDay(absl::Time t) const;

  // "2026-03-29 10:00 CEST".
  std::string FormatLocal(absl::Time t) const;

  // "Mon-Sun 09:00-18:00" style lines for people.
  std::vector<std::string> Describe() const;

 private:
  const date::time_zone* zone_ = nullptr;
  // Index 1..7 = Monday..Sunday; minutes [open, close) since local midnight.
  std::vector<std::pair<int, int>> by_day_[8];
};

}  // namespace werkbank::booking

#endif  // WERKBANK_SERVICES_BOOKING_OPENING_HOURS_H_
