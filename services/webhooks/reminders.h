// SPDX-License-Identifier: EUPL-1.2
// Booking reminders: each endpoint that wants them gets one booking.reminder
// per reservation, `reminder_minutes` before it starts, with the machine, its
// class, the kind of booking, start and end (UTC and lab time) and the
// booking's id — never who booked. Which reservation an endpoint was
// reminded of is remembered in the database, so a restart sends none twice.
#ifndef WERKBANK_SERVICES_WEBHOOKS_REMINDERS_H_
#define WERKBANK_SERVICES_WEBHOOKS_REMINDERS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/store/store.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::webhooks {

struct ReminderTarget {
  std::string endpoint;
  absl::Duration before;
};

// Inside a write transaction: queues the reminders due at `now` (active
// reservations starting in (now, now + before]) into the outbox. Returns how
// many were queued.
absl::StatusOr<int> QueueBookingReminders(
    store::Transaction& tx, const v1::Config& config,
    const std::vector<ReminderTarget>& targets, absl::Time now);

}  // namespace werkbank::webhooks

#endif  // WERKBANK_SERVICES_WEBHOOKS_REMINDERS_H_
