// SPDX-License-Identifier: EUPL-1.2
// What happened in the lab that someone outside it may want to know (a job
// finished, an interlock tripped, a booking is about to start), and the one
// interface through which the machines and the booking reminders publish it.
//
// An event carries ids, times and machine-made text only: never a person's
// name or login (docs/privacy.md).
#ifndef WERKBANK_SERVICES_EVENTS_EVENT_SINK_H_
#define WERKBANK_SERVICES_EVENTS_EVENT_SINK_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "werkbank/v1/config.pb.h"

namespace werkbank::events {

using Kind = v1::WebhookConfig::Event;

struct Event {
  Kind kind = v1::WebhookConfig::EVENT_UNSPECIFIED;
  absl::Time time;
  std::string machine;  // "" when about no machine
  int64_t job = 0;      // 0: no job
  // Further fields of the payload, in this order.
  std::vector<std::pair<std::string, std::string>> text;
  std::vector<std::pair<std::string, int64_t>> numbers;
};

// Thread-safe. Publish() never waits for the network or the disk: the
// machines call it under their lock, on the stop path.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Publish(Event event) = 0;
};

}  // namespace werkbank::events

#endif  // WERKBANK_SERVICES_EVENTS_EVENT_SINK_H_
