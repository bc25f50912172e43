// SPDX-License-Identifier: EUPL-1.2
// iCalendar output; see calendar.h.
#include "calendar.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace werkbank::reports {
namespace {

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", t, absl::UTCTimeZone());
}

// Folds a content line into pieces of at most 75 octets, never inside a UTF-8
// sequence, each continuation starting with a space.
void AddLine(std::string& out, const std::string& line) {
  size_t pos = 0;
  size_t limit = 75;
  while (line.size() - pos > limit) {
    size_t cut = pos + limit;
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80)
      --cut;
    out += line.substr(pos, cut - pos) + "\r\n ";
    pos = cut;
    limit = 74;  // the leading space counts
  }
  out += line.substr(pos) + "\r\n";
}

const char* Kind(store::ReservationKind k) {
  switch (k) {
    case store::ReservationKind::kWorkshop:
      return "workshop";
    case store::ReservationKind::kMaintenance:
      return "maintenance";
    default:
      return "booking";
  }
}

}  // namespace

std::string EscapeText(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

std::string ToIcs(const std::vector<booking::ReservationView>& reservations,
                  const std::string& lab_name, const std::string& time_zone,
                  absl::Time now) {
  std::string out;
  AddLine(out, "BEGIN:VCALENDAR");
  AddLine(out, "VERSION:2.0");
  AddLine(out, "PRODID:-//werkbank//werkbank lab daemon//EN");
  AddLine(out, "CALSCALE:GREGORIAN");
  AddLine(out, "METHOD:PUBLISH");
  AddLine(out, "X-WR-CALNAME:" + EscapeText(lab_name));
  AddLine(out, "X-WR-TIMEZONE:" + time_zone);
  for (const auto& r : reservations) {
    const auto& rec = r.record;
    AddLine(out, "BEGIN:VEVENT");
    AddLine(out, absl::StrCat("UID:reservation-", rec.id, "@werkbank"));
    AddLine(out, "DTSTAMP:" + Utc(now));
    AddLine(out, "DTSTART:" + Utc(rec.start));
    AddLine(out, "DTEND:" + Utc(rec.end));
    AddLine(out, "SUMMARY:" + EscapeText(absl::StrCat(rec.machine_id, " (",
                                                      Kind(rec.kind), ", ",
                                                      lab_name, ")")));
    std::string description = absl::StrCat("booked by ", r.owner_login);
    if (!r.participant_logins.empty()) {
      absl::StrAppend(&description, "\nparticipants: ",
                      absl::StrJoin(r.participant_logins, ", "));
    }
    if (!rec.note.empty()) absl::StrAppend(&description, "\n", rec.note);
    AddLine(out, "DESCRIPTION:" + EscapeText(description));
    AddLine(out, "LOCATION:" + EscapeText(lab_name));
    AddLine(out, rec.state == store::ReservationState::kCancelled
                     ? "STATUS:CANCELLED"
                     : "STATUS:CONFIRMED");
    AddLine(out, "END:VEVENT");
  }
  AddLine(out, "END:VCALENDAR");
  return out;
}

}  // namespace werkbank::reports
