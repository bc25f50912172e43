// SPDX-License-Identifier: EUPL-1.2
// A lab for domain unit tests: a real SQLite store in a temporary directory,
// a fake clock, and the accounts, trainings and booking services over them.
#ifndef WERKBANK_TESTS_UNIT_DOMAIN_FIXTURE_H_
#define WERKBANK_TESTS_UNIT_DOMAIN_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>

#include "fake_clock.h"
#include "services/access/accounts.h"
#include "services/access/trainings.h"
#include "services/booking/booking_service.h"
#include "services/config/config_loader.h"
#include "services/store/sqlite_store.h"
#include "temp_dir.h"

namespace werkbank::testing {

inline constexpr char kTestLab[] = R"(
time_zone: "Europe/Berlin"
opening_hours {
  days: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY]
  open: "09:00"
  close: "18:00"
}
accounts { failed_logins_before_delay: 3 failed_logins_before_lockout: 6 lockout_minutes: 15 token_ttl_seconds: 3600 }
machine_classes {
  name: "laser"
  qualification_valid_days: 30
  booking { slot_minutes: 30 max_length_minutes: 120 max_future_bookings: 2
            horizon_days: 14 cancel_deadline_minutes: 60
            no_show_release_minutes: 15 check_in_early_minutes: 10 }
}
machine_classes { name: "fdm" }
machines { id: "laser-1" machine_class: "laser" protocol: "grbl" port: "sim:grbl" }
machines { id: "laser-2" machine_class: "laser" protocol: "grbl" port: "sim:grbl" }
machines { id: "printer-1" machine_class: "fdm" protocol: "marlin" port: "sim:marlin" }
)";

// Lab-local wall-clock time in Europe/Berlin, e.g. Local("2026-03-29 09:00").
inline absl::Time Local(const std::string& text) {
  absl::TimeZone berlin;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%d %H:%M", text, berlin, &t, &err)) << err;
  return t;
}

class DomainTest : public ::testing::Test {
 protected:
  // Friday 2026-03-27, 11:00 in Berlin; the spring DST change is on Sunday.
  DomainTest() : clock_(Local("2026-03-27 11:00")) {}

  void SetUp() override {
    auto cfg = config::ParseConfig(kTestLab, "test lab");
    ASSERT_TRUE(cfg.ok()) << cfg.status();
    config_ = *cfg;
    auto store = store::SqliteStore::Open(dir_.File("werkbank.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto hours = booking::OpeningHours::FromConfig(config_);
    ASSERT_TRUE(hours.ok());
    hours_ = std::make_unique<booking::OpeningHours>(*hours);
    accounts_ =
        std::make_unique<access::Accounts>(*store_, clock_, config_.accounts());
    trainings_ = std::make_unique<access::Trainings>(*store_, clock_, config_);
    bookings_ = std::make_unique<booking::BookingService>(*store_, clock_,
                                                          config_, *hours_);
    auto first = accounts_->BootstrapFirstStaff();
    ASSERT_TRUE(first.ok() && first->has_value());
    admin_password_ = **first;
    staff_ = ActorFor("admin");
  }

  access::Actor ActorFor(const std::string& login) {
    access::Actor a;
    auto s = store_->Read([&](store::Transaction& tx) -> absl::Status {
      auto u = tx.FindUserByLogin(login);
      if (!u.ok()) return u.status();
      if (!*u) return absl::NotFoundError(login);
      a = access::Actor{(*u)->id, (*u)->login, (*u)->roles, ""};
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return a;
  }

  access::Actor MakeUser(const std::string& login, uint32_t roles,
                         const std::string& password = "correct horse") {
    access::NewUser nu;
    nu.login = login;
    nu.roles = roles;
    nu.password = password;
    auto created = accounts_->CreateUser(staff_, nu);
    EXPECT_TRUE(created.ok()) << created.status();
    return ActorFor(login);
  }

  void Brief(const access::Actor& trainer, const std::string& cls,
             const std::string& participant) {
    access::NewBriefing b;
    b.machine_class = cls;
    b.participant_logins = {participant};
    auto r = trainings_->RecordBriefing(trainer, b);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  absl::StatusOr<std::vector<booking::ReservationView>> Book(
      const access::Actor& who, const std::string& machine, absl::Time start,
      absl::Time end,
      store::ReservationKind kind = store::ReservationKind::kPersonal) {
    booking::NewReservation r;
    r.machine_id = machine;
    r.kind = kind;
    r.start = start;
    r.end = end;
    return bookings_->Create(who, r);
  }

  TempDir dir_;
  FakeClock clock_;
  v1::Config config_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<booking::OpeningHours> hours_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<access::Trainings> trainings_;
  std::unique_ptr<booking::BookingService> bookings_;
  std::string admin_password_;
  access::Actor staff_;
};

}  // namespace werkbank::testing

#endif  // WERKBANK_TESTS_UNIT_DOMAIN_FIXTURE_H_
