// SPDX-License-Identifier: EUPL-1.2
// The booking story over real gRPC: a trainer briefs a participant, who books
// a machine, checks in, and is refused an overlapping slot; everything lands
// in the audit chain.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lab_fixture.h"
#include "werkbank/v1/audit.grpc.pb.h"
#include "werkbank/v1/bookings.grpc.pb.h"
#include "werkbank/v1/trainings.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;

class BookingE2E : public LabE2E {
 protected:
  void SetUp() override {
    StartDaemonAndLogIn();
    trainer_ = NewUser("tina", {"trainer"});
    anna_ = NewUser("anna", {"participant"});
    bookings_ = v1::Bookings::NewStub(ch_);
  }

  grpc::Status Book(const std::string& token, const std::string& machine,
                    absl::Time start, absl::Time end,
                    v1::CreateReservationResponse* out) {
    v1::CreateReservationRequest req;
    req.set_machine_id(machine);
    *req.mutable_time()->mutable_start() = Ts(start);
    *req.mutable_time()->mutable_end() = Ts(end);
    auto ctx = Authed(token);
    return bookings_->CreateReservation(ctx.get(), req, out);
  }

  std::string trainer_, anna_;
  std::unique_ptr<v1::Bookings::Stub> bookings_;
};

TEST_F(BookingE2E, BriefBookCheckInAndOverlapRefused) {
  const absl::Time ten = BerlinTomorrowAt(10);
  v1::CreateReservationResponse made;
  grpc::Status before =
      Book(anna_, "laser-1", ten, ten + absl::Hours(1), &made);
  EXPECT_EQ(before.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(before.error_message(), HasSubstr("not qualified for laser"));

  auto trainings = v1::Trainings::NewStub(ch_);
  v1::RecordBriefingRequest brief;
  brief.set_machine_class("laser");
  brief.add_participant_logins("anna");
  v1::Briefing briefing;
  auto bctx = Authed(trainer_);
  ASSERT_TRUE(trainings->RecordBriefing(bctx.get(), brief, &briefing).ok());

  ASSERT_TRUE(Book(anna_, "laser-1", ten, ten + absl::Hours(1), &made).ok());
  ASSERT_EQ(made.reservations_size(), 1);
  EXPECT_EQ(made.reservations(0).state(), v1::RESERVATION_STATE_BOOKED);
  EXPECT_EQ(made.reservations(0).owner_login(), "anna");

  v1::CreateReservationResponse clash;
  grpc::Status overlap = Book(trainer_, "laser-1", ten + absl::Minutes(30),
                              ten + absl::Minutes(90), &clash);
  EXPECT_EQ(overlap.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(overlap.error_message(), HasSubstr("laser-1 is already booked"));

  v1::GetAvailabilityRequest avail;
  avail.set_machine_id("laser-1");
  *avail.mutable_range()->mutable_start() = Ts(ten - absl::Hours(1));
  *avail.mutable_range()->mutable_end() = Ts(ten + absl::Hours(2));
  v1::GetAvailabilityResponse free;
  auto actx = Authed(anna_);
  ASSERT_TRUE(bookings_->GetAvailability(actx.get(), avail, &free).ok());
  ASSERT_EQ(free.free_size(), 2);
  EXPECT_EQ(free.free(0).end().seconds(), absl::ToUnixSeconds(ten));
  EXPECT_EQ(free.free(1).start().seconds(),
            absl::ToUnixSeconds(ten + absl::Hours(1)));

  // Check-in is not open a day ahead.
  v1::CheckInRequest in;
  in.set_id(made.reservations(0).id());
  v1::Reservation r;
  auto cctx = Authed(anna_);
  grpc::Status early = bookings_->CheckIn(cctx.get(), in, &r);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(early.error_message(), HasSubstr("check-in opens"));

  auto audit = v1::Audit::NewStub(ch_);
  v1::VerifyAuditChainResponse verify;
  auto vctx = Authed(admin_);
  ASSERT_TRUE(
      audit
          ->VerifyAuditChain(vctx.get(), v1::VerifyAuditChainRequest(), &verify)
          .ok());
  EXPECT_TRUE(verify.ok()) << verify.problem();
  v1::ListAuditEventsRequest list;
  list.set_limit(1000);
  v1::ListAuditEventsResponse events;
  auto lctx = Authed(admin_);
  ASSERT_TRUE(audit->ListAuditEvents(lctx.get(), list, &events).ok());
  std::vector<std::string> actions;
  for (const auto& e : events.events())
    actions.push_back(e.action() + " by " + e.actor());
  EXPECT_THAT(
      actions,
      ::testing::IsSupersetOf(
          {"briefing.record by tina", "qualification.grant by tina",
           "reservation.create by anna", "reservation.refused by tina"}));
}

TEST_F(BookingE2E, ParticipantsCannotSeeOthersBookingsOrBookWorkshops) {
  v1::ListReservationsRequest all;
  all.set_all_users(true);
  v1::ListReservationsResponse resp;
  auto ctx = Authed(anna_);
  EXPECT_EQ(bookings_->ListReservations(ctx.get(), all, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::CreateReservationRequest w;
  w.set_machine_id("printer-1");
  w.set_kind(v1::RESERVATION_KIND_WORKSHOP);
  *w.mutable_time()->mutable_start() = Ts(BerlinTomorrowAt(14));
  *w.mutable_time()->mutable_end() = Ts(BerlinTomorrowAt(16));
  v1::CreateReservationResponse out;
  auto wctx = Authed(anna_);
  EXPECT_EQ(bookings_->CreateReservation(wctx.get(), w, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  w.add_participant_logins("anna");
  auto tctx = Authed(trainer_);
  ASSERT_TRUE(bookings_->CreateReservation(tctx.get(), w, &out).ok());
  // Anna sees the workshop she takes part in.
  v1::ListReservationsRequest mine;
  auto mctx = Authed(anna_);
  ASSERT_TRUE(bookings_->ListReservations(mctx.get(), mine, &resp).ok());
  ASSERT_EQ(resp.reservations_size(), 1);
  EXPECT_EQ(resp.reservations(0).kind(), v1::RESERVATION_KIND_WORKSHOP);
}

TEST_F(BookingE2E, MaintenanceBlocksAWholeClass) {
  v1::CreateReservationRequest m;
  m.set_machine_class("laser");
  m.set_kind(v1::RESERVATION_KIND_MAINTENANCE);
  m.set_note("replace the tube");
  *m.mutable_time()->mutable_start() = Ts(BerlinTomorrowAt(8));
  *m.mutable_time()->mutable_end() = Ts(BerlinTomorrowAt(12));
  v1::CreateReservationResponse out;
  auto ctx = Authed(admin_);
  ASSERT_TRUE(bookings_->CreateReservation(ctx.get(), m, &out).ok());
  ASSERT_EQ(out.reservations_size(), 1);  // the demo lab has one laser
  v1::CreateReservationResponse clash;
  EXPECT_EQ(Book(trainer_, "laser-1", BerlinTomorrowAt(9), BerlinTomorrowAt(10),
                 &clash)
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

}  // namespace
}  // namespace werkbank::testing
