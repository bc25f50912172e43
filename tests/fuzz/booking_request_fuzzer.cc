// SPDX-License-Identifier: EUPL-1.2
// Fuzz target: the validation of booking and job requests, through the real
// domain services on an in-memory database.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "drivers/gcode/analysis.h"
#include "fuzz_input.h"
#include "services/access/accounts.h"
#include "services/booking/booking_service.h"
#include "services/common/validate.h"
#include "services/config/config_loader.h"
#include "services/store/sqlite_store.h"

namespace {

class FixedClock : public werkbank::Clock {
 public:
  absl::Time Now() const override { return absl::FromUnixSeconds(1790000000); }
};

struct World {
  World() {
    config = *werkbank::config::ParseConfig(R"(
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY] open: "08:00" close: "20:00" }
machine_classes { name: "laser" }
machines { id: "laser-1" machine_class: "laser" protocol: "grbl" port: "sim:grbl" }
)",
                                            "fuzz");
    store = std::move(*werkbank::store::SqliteStore::Open(":memory:"));
    hours = std::make_unique<werkbank::booking::OpeningHours>(
        *werkbank::booking::OpeningHours::FromConfig(config));
    bookings = std::make_unique<werkbank::booking::BookingService>(
        *store, clock, config, *hours);
    actor = werkbank::access::Actor{1, "staff", werkbank::store::kStaff, ""};
  }
  FixedClock clock;
  werkbank::v1::Config config;
  std::unique_ptr<werkbank::store::SqliteStore> store;
  std::unique_ptr<werkbank::booking::OpeningHours> hours;
  std::unique_ptr<werkbank::booking::BookingService> bookings;
  werkbank::access::Actor actor;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();
  werkbank::fuzz::Input in(data, size);
  werkbank::booking::NewReservation r;
  r.machine_id = in.Field();
  r.machine_class = in.Field();
  r.note = in.Field();
  r.participant_logins = {in.Field()};
  r.kind =
      static_cast<werkbank::store::ReservationKind>(1 + (in.Number() & 3) % 3);
  r.start = absl::FromUnixSeconds(in.Number() % (int64_t{1} << 40));
  r.end = absl::FromUnixSeconds(in.Number() % (int64_t{1} << 40));
  (void)world->bookings->Create(world->actor, r);
  (void)werkbank::validate::Login(r.note);
  (void)werkbank::validate::Text("note", r.note, 500, true);
  (void)world->bookings->Availability(world->actor, r.machine_id, r.start,
                                      r.end);
  return 0;
}
