// SPDX-License-Identifier: EUPL-1.2
// RFC 5545 calendars of bookings, so people can put them into the calendar
// on their phone: CRLF lines folded at 75 octets, escaped text, UTC times.
#ifndef WERKBANK_SERVICES_REPORTS_CALENDAR_H_
#define WERKBANK_SERVICES_REPORTS_CALENDAR_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/booking/booking_service.h"

namespace werkbank::reports {

std::string ToIcs(const std::vector<booking::ReservationView>& reservations,
                  const std::string& lab_name, const std::string& time_zone,
                  absl::Time now);

// Escapes TEXT values: backslash, semicolon, comma and newline.
std::string EscapeText(const std::string& text);

}  // namespace werkbank::reports

#endif  // WERKBANK_SERVICES_REPORTS_CALENDAR_H_
