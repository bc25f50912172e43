// SPDX-License-Identifier: EUPL-1.2
// Booking reminders; see reminders.h.
#include "reminders.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "payload.h"
#include "services/config/webhooks_config.h"

namespace werkbank::webhooks {
namespace {

const char* KindName(store::ReservationKind kind) {
  switch (kind) {
    case store::ReservationKind::kPersonal:
      return "personal";
    case store::ReservationKind::kWorkshop:
      return "workshop";
    case store::ReservationKind::kMaintenance:
      return "maintenance";
  }
  return "other";
}

std::string MachineClass(const v1::Config& config, const std::string& id) {
  for (const auto& m : config.machines()) {
    if (m.id() == id) return m.machine_class();
  }
  return "";
}

}  // namespace

absl::StatusOr<int> QueueBookingReminders(
    store::Transaction& tx, const v1::Config& config,
    const std::vector<ReminderTarget>& targets, absl::Time now) {
  if (targets.empty()) return 0;
  absl::Duration longest;
  for (const auto& t : targets) longest = std::max(longest, t.before);
  store::ReservationFilter filter;
  filter.from = now;
  filter.to = now + longest + absl::Seconds(1);
  auto reservations = tx.ListReservations(filter);
  if (!reservations.ok()) return reservations.status();
  absl::TimeZone zone = absl::UTCTimeZone();
  (void)absl::LoadTimeZone(config.time_zone(), &zone);
  auto local = [&](absl::Time t) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", t, zone);
  };
  int queued = 0;
  for (const store::ReservationRecord& r : *reservations) {
    if (r.start <= now) continue;  // started: too late for a reminder
    for (const ReminderTarget& target : targets) {
      if (r.start > now + target.before) continue;
      auto fresh = tx.MarkWebhookReminded(target.endpoint, r.id, now);
      if (!fresh.ok()) return fresh.status();
      if (!*fresh) continue;
      events::Event event;
      event.kind = v1::WebhookConfig::BOOKING_REMINDER;
      event.time = now;
      event.machine = r.machine_id;
      event.numbers = {
          {"booking", r.id},
          {"minutes_before",
           absl::ToInt64Minutes(r.start - now + absl::Seconds(30))}};
      event.text = {{"machine_class", MachineClass(config, r.machine_id)},
                    {"kind", KindName(r.kind)},
                    {"start", Rfc3339Utc(r.start)},
                    {"end", Rfc3339Utc(r.end)},
                    {"start_local", local(r.start)},
                    {"end_local", local(r.end)},
                    {"time_zone", config.time_zone()}};
      store::WebhookDeliveryRecord d;
      d.endpoint = target.endpoint;
      d.event = config::WebhookEventName(event.kind);
      d.body = PayloadBody(event, config.lab_name());
      d.created_at = now;
      d.next_attempt_at = now;
      if (auto id = tx.InsertWebhookDelivery(d); !id.ok()) return id.status();
      ++queued;
    }
  }
  // What is remembered only matters until the reservation has started.
  if (auto s = tx.ForgetWebhookRemindersBefore(now - absl::Hours(24 * 30));
      !s.ok()) {
    return s;
  }
  return queued;
}

}  // namespace werkbank::webhooks
