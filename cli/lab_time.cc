// SPDX-License-Identifier: EUPL-1.2
// Lab-local time parsing and formatting with date/tz; see lab_time.h.
#include "lab_time.h"

#include <chrono>
#include <regex>

#include "absl/strings/str_cat.h"
#include "date/tz.h"

namespace werkbank::cli {
namespace {

using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;

date::sys_time<microseconds> ToSys(absl::Time t) {
  return date::sys_time<microseconds>(microseconds(absl::ToUnixMicros(t)));
}
absl::Time FromSys(date::sys_time<seconds> t) {
  return absl::FromUnixSeconds(t.time_since_epoch().count());
}

}  // namespace

absl::StatusOr<LabTime> LabTime::ForZone(const std::string& iana_name) {
  LabTime lt;
  try {
    lt.zone_ = date::locate_zone(iana_name);
  } catch (const std::exception&) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone \"", iana_name,
                     "\" (is the tzdata package installed?)"));
  }
  lt.name_ = iana_name;
  return lt;
}

absl::StatusOr<absl::Time> LabTime::Parse(const std::string& text) const {
  static const std::regex kPattern(
      R"((\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?\s*(Z|[+-]\d{2}:?\d{2})?)");
  std::smatch m;
  if (!std::regex_match(text, m, kPattern)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text,
        "\" is not a time; write it as \"2026-11-27 10:00\" (lab time, ", name_,
        ") or ISO 8601 such as \"2026-11-27T09:00Z\""));
  }
  const int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
  const int h = std::stoi(m[4]), mi = std::stoi(m[5]);
  const int s = m[6].matched ? std::stoi(m[6]) : 0;
  const date::year_month_day ymd{date::year(y), date::month(mo), date::day(d)};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a valid date and time"));
  }
  const auto local =
      date::local_days(ymd) + std::chrono::hours(h) + minutes(mi) + seconds(s);
  if (m[7].matched) {
    std::string off = m[7];
    int offset_minutes = 0;
    if (off != "Z") {
      off.erase(std::remove(off.begin(), off.end(), ':'), off.end());
      const int sign = off[0] == '-' ? -1 : 1;
      offset_minutes = sign * (std::stoi(off.substr(1, 2)) * 60 +
                               std::stoi(off.substr(3, 2)));
    }
    const auto utc =
        date::sys_seconds(local.time_since_epoch()) - minutes(offset_minutes);
    return FromSys(utc);
  }
  try {
    return FromSys(zone_->to_sys(local));
  } catch (const date::nonexistent_local_time&) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" does not exist in ", name_,
                     ": the clocks skip it for daylight saving time"));
  } catch (const date::ambiguous_local_time&) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" happens twice in ", name_,
                     " (daylight saving time ends); add the offset, e.g. \"",
                     text, "+02:00\""));
  }
}

std::string LabTime::Format(absl::Time t) const {
  const auto z = date::make_zoned(zone_, date::floor<minutes>(ToSys(t)));
  return date::format("%a %Y-%m-%d %H:%M %Z", z);
}

std::string LabTime::FormatClock(absl::Time t) const {
  const auto z = date::make_zoned(zone_, date::floor<minutes>(ToSys(t)));
  return date::format("%H:%M", z);
}

std::string LabTime::FormatSpan(absl::Time start, absl::Time end) const {
  const auto zs = date::make_zoned(zone_, date::floor<minutes>(ToSys(start)));
  const auto ze = date::make_zoned(zone_, date::floor<minutes>(ToSys(end)));
  const bool same_day = StartOfDay(start) == StartOfDay(end - absl::Seconds(1));
  if (zs.get_info().abbrev == ze.get_info().abbrev) {
    return absl::StrCat(Format(start), " - ",
                        same_day ? FormatClock(end) : Format(end));
  }
  return absl::StrCat(
      date::format("%a %Y-%m-%d %H:%M %Z (%Ez)", zs), " - ",
      date::format(same_day ? "%H:%M %Z (%Ez)" : "%a %Y-%m-%d %H:%M %Z (%Ez)",
                   ze));
}

absl::Time LabTime::StartOfDay(absl::Time t) const {
  const auto local = zone_->to_local(date::floor<seconds>(ToSys(t)));
  const auto midnight = date::floor<date::days>(local);
  return FromSys(
      date::floor<seconds>(zone_->to_sys(midnight, date::choose::earliest)));
}

}  // namespace werkbank::cli
