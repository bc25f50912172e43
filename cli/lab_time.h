// SPDX-License-Identifier: EUPL-1.2
// Times as people in the lab read and write them: in the lab's time zone.
// Accepts "2026-11-27 10:00" (local), "2026-11-27T10:00" (local), and ISO 8601
// with an offset or Z ("2026-11-27T09:00Z", "2026-11-27T10:00+01:00").
#ifndef WERKBANK_CLI_LAB_TIME_H_
#define WERKBANK_CLI_LAB_TIME_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace date {
class time_zone;
}

namespace werkbank::cli {

class LabTime {
 public:
  static absl::StatusOr<LabTime> ForZone(const std::string& iana_name);

  // INVALID_ARGUMENT for anything else, for a local time that a DST change
  // skips, and for one that occurs twice (give an offset then).
  absl::StatusOr<absl::Time> Parse(const std::string& text) const;

  // "Fri 2026-11-27 10:00 CET"
  std::string Format(absl::Time t) const;
  // "10:00"
  std::string FormatClock(absl::Time t) const;
  // A booking's span: "Fri 2026-11-27 10:00 CET - 12:00" on one local day,
  // both dates in full across days. Where the zone's abbreviation changes
  // in between (the autumn DST hour) both ends carry their UTC offset,
  // "Sun 2026-10-25 02:30 CEST (+02:00) - 02:00 CET (+01:00)", so that the
  // end never looks earlier than the start.
  std::string FormatSpan(absl::Time start, absl::Time end) const;
  // Local midnight at the start of the day that contains `t`.
  absl::Time StartOfDay(absl::Time t) const;

  const std::string& zone_name() const { return name_; }

 private:
  const date::time_zone* zone_ = nullptr;
  std::string name_;
};

}  // namespace werkbank::cli

#endif  // WERKBANK_CLI_LAB_TIME_H_
