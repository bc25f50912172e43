// SPDX-License-Identifier: EUPL-1.2
// The JSON body of a webhook delivery:
//   {"id": 42, "event": "job.finished", "time": "2026-12-07T10:15:00Z",
//    "lab": "StadtLABOR", "machine": "printer-1", "job": 17, ...}
// The outbox stores the body without its "id" (the delivery's, known once
// stored); WithId() puts it first.
#ifndef WERKBANK_SERVICES_WEBHOOKS_PAYLOAD_H_
#define WERKBANK_SERVICES_WEBHOOKS_PAYLOAD_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/events/event_sink.h"

namespace werkbank::webhooks {

// The body without "id": event, time (RFC 3339, UTC), lab, machine and job
// (when set), then the event's own fields.
std::string PayloadBody(const events::Event& event, absl::string_view lab);

// `body` (a JSON object) with "id" as its first member.
std::string WithId(int64_t id, absl::string_view body);

// RFC 3339 in UTC, whole seconds: "2026-12-07T10:15:00Z".
std::string Rfc3339Utc(absl::Time t);

}  // namespace werkbank::webhooks

#endif  // WERKBANK_SERVICES_WEBHOOKS_PAYLOAD_H_
