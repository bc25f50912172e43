// SPDX-License-Identifier: EUPL-1.2
// Booking rules with a fake clock: opening hours across DST, the slot grid,
// maximum length, quota, horizon, overlaps, qualification, cancellation
// deadline, check-in window and no-show release.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain_fixture.h"

namespace werkbank::testing {
namespace {

using store::ReservationKind;
using store::ReservationState;
using ::testing::HasSubstr;

class BookingRulesTest : public DomainTest {
 protected:
  void SetUp() override {
    DomainTest::SetUp();
    trainer_ = MakeUser("tina", store::kTrainer);
    anna_ = MakeUser("anna", store::kParticipant);
    bob_ = MakeUser("bob", store::kParticipant);
    Brief(trainer_, "laser", "anna");
  }
  access::Actor trainer_, anna_, bob_;
};

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST_F(BookingRulesTest, OpeningHoursHoldOnTheSpringDstChange) {
  // Sunday 2026-03-29 is the first day of CEST.
  auto ok = Book(anna_, "laser-1", Local("2026-03-29 09:00"),
                 Local("2026-03-29 10:00"));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->front().record.start,
            absl::FromUnixSeconds(1774767600));  // 07:00 UTC
  auto early = Book(anna_, "laser-1", Local("2026-03-29 08:00"),
                    Local("2026-03-29 09:00"));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(early.status()), HasSubstr("not open"));
  auto late = Book(anna_, "laser-2", Local("2026-03-29 17:30"),
                   Local("2026-03-29 18:30"));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(BookingRulesTest, OpeningHoursHoldOnTheAutumnDstChange) {
  clock_.Set(Local("2026-10-23 12:00"));
  Brief(trainer_, "laser",
        "bob");  // anna's briefing of March has expired by now
  auto ok = Book(bob_, "laser-1", Local("2026-10-25 17:00"),
                 Local("2026-10-25 18:00"));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->front().record.end,
            absl::FromUnixSeconds(1792947600));  // 17:00 UTC
  auto after = Book(bob_, "laser-1", Local("2026-10-25 18:00"),
                    Local("2026-10-25 18:30"));
  EXPECT_EQ(after.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(BookingRulesTest, StartAndEndMustBeOnTheSlotGrid) {
  auto r = Book(anna_, "laser-1", Local("2026-03-28 09:15"),
                Local("2026-03-28 10:00"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(r.status()), HasSubstr("30-minute slot grid"));
}

TEST_F(BookingRulesTest, MaximumLengthPerClass) {
  auto r = Book(anna_, "laser-1", Local("2026-03-28 09:00"),
                Local("2026-03-28 11:30"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(r.status()), HasSubstr("at most 120 minutes"));
  EXPECT_TRUE(Book(anna_, "laser-1", Local("2026-03-28 09:00"),
                   Local("2026-03-28 11:00"))
                  .ok());
}

TEST_F(BookingRulesTest, QuotaOfFutureBookingsAndCancellingFreesIt) {
  auto first = Book(anna_, "laser-1", Local("2026-03-28 09:00"),
                    Local("2026-03-28 10:00"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(Book(anna_, "laser-2", Local("2026-03-30 09:00"),
                   Local("2026-03-30 10:00"))
                  .ok());
  auto third = Book(anna_, "laser-1", Local("2026-03-31 09:00"),
                    Local("2026-03-31 10:00"));
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(Message(third.status()), HasSubstr("2 upcoming laser bookings"));
  ASSERT_TRUE(
      bookings_->Cancel(anna_, first->front().record.id, "plans changed").ok());
  EXPECT_TRUE(Book(anna_, "laser-1", Local("2026-03-31 09:00"),
                   Local("2026-03-31 10:00"))
                  .ok());
}

TEST_F(BookingRulesTest, BookingHorizon) {
  auto r = Book(anna_, "laser-1", Local("2026-04-11 09:00"),
                Local("2026-04-11 10:00"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(r.status()), HasSubstr("at most 14 days ahead"));
  EXPECT_TRUE(Book(anna_, "laser-1", Local("2026-04-09 09:00"),
                   Local("2026-04-09 10:00"))
                  .ok());
}

TEST_F(BookingRulesTest, NoOverlapButAdjacentIsFine) {
  ASSERT_TRUE(Book(anna_, "laser-1", Local("2026-03-28 10:00"),
                   Local("2026-03-28 11:00"))
                  .ok());
  auto clash = Book(trainer_, "laser-1", Local("2026-03-28 10:30"),
                    Local("2026-03-28 11:30"));
  EXPECT_EQ(clash.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Message(clash.status()),
              HasSubstr("laser-1 is already booked from 2026-03-28 10:00 CET"));
  EXPECT_TRUE(Book(trainer_, "laser-1", Local("2026-03-28 11:00"),
                   Local("2026-03-28 12:00"))
                  .ok());
  EXPECT_TRUE(Book(trainer_, "laser-2", Local("2026-03-28 10:30"),
                   Local("2026-03-28 11:30"))
                  .ok());
}

TEST_F(BookingRulesTest, ParticipantNeedsAValidQualification) {
  auto r = Book(bob_, "laser-1", Local("2026-03-28 09:00"),
                Local("2026-03-28 10:00"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(r.status()), HasSubstr("not qualified for laser"));
  // Anna's qualification (30 days) expires: she is refused from then on.
  clock_.Advance(absl::Hours(24 * 31));
  auto expired = Book(anna_, "laser-1", Local("2026-04-28 09:00"),
                      Local("2026-04-28 10:00"));
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(expired.status()), HasSubstr("expired"));
}

TEST_F(BookingRulesTest, RevokedQualificationStopsCountingAtOnce) {
  auto quals = trainings_->ListQualifications(staff_, "anna", false);
  ASSERT_TRUE(quals.ok());
  ASSERT_EQ(quals->size(), 1u);
  ASSERT_TRUE(trainings_
                  ->RevokeQualification(trainer_, quals->front().record.id,
                                        "unsafe use")
                  .ok());
  auto r = Book(anna_, "laser-1", Local("2026-03-28 09:00"),
                Local("2026-03-28 10:00"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(r.status()), HasSubstr("revoked (unsafe use)"));
}

TEST_F(BookingRulesTest, CancellationDeadline) {
  auto r = Book(anna_, "laser-1", Local("2026-03-27 12:00"),
                Local("2026-03-27 13:00"));
  ASSERT_TRUE(r.ok()) << r.status();
  clock_.Set(Local("2026-03-27 11:30"));
  auto late = bookings_->Cancel(anna_, r->front().record.id, "");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(late.status()), HasSubstr("deadline"));
  auto other = bookings_->Cancel(bob_, r->front().record.id, "");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  auto staff =
      bookings_->Cancel(staff_, r->front().record.id, "machine broken");
  ASSERT_TRUE(staff.ok()) << staff.status();
  EXPECT_EQ(staff->record.state, ReservationState::kCancelled);
}

TEST_F(BookingRulesTest, CheckInWindowAndNoShowRelease) {
  auto r = Book(anna_, "laser-1", Local("2026-03-27 14:00"),
                Local("2026-03-27 15:00"));
  ASSERT_TRUE(r.ok());
  const int64_t id = r->front().record.id;
  clock_.Set(Local("2026-03-27 13:45"));
  auto early = bookings_->CheckIn(anna_, id);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(early.status()), HasSubstr("opens 10 minutes before"));
  // Nobody comes: 15 minutes after the start the slot is released.
  clock_.Set(Local("2026-03-27 14:15"));
  auto swept = bookings_->Sweep();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1);
  auto late = bookings_->CheckIn(anna_, id);
  EXPECT_THAT(Message(late.status()), HasSubstr("no-show"));
  auto free = bookings_->Availability(
      anna_, "laser-1", Local("2026-03-27 14:00"), Local("2026-03-27 15:00"));
  ASSERT_TRUE(free.ok());
  ASSERT_EQ(free->size(), 1u);
  EXPECT_EQ(free->front().first, Local("2026-03-27 14:00"));
  EXPECT_TRUE(Book(trainer_, "laser-1", Local("2026-03-27 14:00"),
                   Local("2026-03-27 15:00"))
                  .ok());
}

TEST_F(BookingRulesTest, AWalkInBookingGetsItsGracePeriodFromBooking) {
  // At 11:20 anna books the slot that began at 11:00: she still has 15
  // minutes to check in, counted from now.
  clock_.Set(Local("2026-03-27 11:20"));
  auto r = Book(anna_, "laser-1", Local("2026-03-27 11:00"),
                Local("2026-03-27 12:00"));
  ASSERT_TRUE(r.ok()) << r.status();
  clock_.Set(Local("2026-03-27 11:30"));
  ASSERT_TRUE(bookings_->Sweep().ok());
  ASSERT_TRUE(bookings_->CheckIn(anna_, r->front().record.id).ok());
  clock_.Set(Local("2026-03-27 11:36"));
  auto other = Book(trainer_, "laser-2", Local("2026-03-27 11:30"),
                    Local("2026-03-27 12:00"));
  ASSERT_TRUE(other.ok());
  clock_.Set(Local("2026-03-27 11:52"));
  ASSERT_TRUE(bookings_->Sweep().ok());
  EXPECT_THAT(std::string(bookings_->CheckIn(trainer_, other->front().record.id)
                              .status()
                              .message()),
              HasSubstr("no-show"));
}

TEST_F(BookingRulesTest, CheckInOnTime) {
  auto r = Book(anna_, "laser-1", Local("2026-03-27 14:00"),
                Local("2026-03-27 15:00"));
  ASSERT_TRUE(r.ok());
  clock_.Set(Local("2026-03-27 13:55"));
  auto in = bookings_->CheckIn(anna_, r->front().record.id);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->record.state, ReservationState::kCheckedIn);
  clock_.Set(Local("2026-03-27 14:20"));
  ASSERT_TRUE(bookings_->Sweep().ok());
  auto mine = bookings_->List(anna_, {.from = Local("2026-03-27 00:00")});
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ(mine->front().record.state, ReservationState::kCheckedIn);
}

TEST_F(BookingRulesTest, MaintenanceForAClassBlocksEveryMachineOfIt) {
  booking::NewReservation m;
  m.machine_class = "laser";
  m.kind = ReservationKind::kMaintenance;
  m.start = Local("2026-03-28 08:00");  // maintenance ignores opening hours
  m.end = Local("2026-03-28 20:00");
  auto blocked = bookings_->Create(staff_, m);
  ASSERT_TRUE(blocked.ok()) << blocked.status();
  ASSERT_EQ(blocked->size(), 2u);
  EXPECT_EQ(Book(anna_, "laser-2", Local("2026-03-28 10:00"),
                 Local("2026-03-28 11:00"))
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(bookings_->Create(trainer_, m).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(BookingRulesTest, WorkshopsAreForTrainersAndListTheirParticipants) {
  booking::NewReservation w;
  w.machine_id = "laser-1";
  w.kind = ReservationKind::kWorkshop;
  w.start = Local("2026-03-28 13:00");
  w.end = Local("2026-03-28 17:00");  // longer than a personal booking may be
  w.participant_logins = {"anna", "bob"};
  EXPECT_EQ(bookings_->Create(anna_, w).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto made = bookings_->Create(trainer_, w);
  ASSERT_TRUE(made.ok()) << made.status();
  auto bobs = bookings_->List(bob_, {.from = Local("2026-03-28 00:00")});
  ASSERT_TRUE(bobs.ok());
  ASSERT_EQ(bobs->size(), 1u);
  EXPECT_EQ(bobs->front().owner_login, "tina");
  EXPECT_THAT(bobs->front().participant_logins,
              ::testing::ElementsAre("anna", "bob"));
}

// Checking in opens the reservation for everyone on it, so a workshop's
// participants cannot do it for their trainer; staff can.
TEST_F(BookingRulesTest, OnlyTheBookerOrStaffCheckInAWorkshop) {
  booking::NewReservation w;
  w.machine_id = "laser-1";
  w.kind = ReservationKind::kWorkshop;
  w.start = Local("2026-03-27 13:00");
  w.end = Local("2026-03-27 15:00");
  w.participant_logins = {"anna", "bob"};
  auto made = bookings_->Create(trainer_, w);
  ASSERT_TRUE(made.ok()) << made.status();
  const int64_t id = made->front().record.id;
  clock_.Set(Local("2026-03-27 12:55"));
  auto by_participant = bookings_->CheckIn(anna_, id);
  EXPECT_EQ(by_participant.status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(Message(by_participant.status()), HasSubstr("booked it"));
  auto by_staff = bookings_->CheckIn(staff_, id);
  ASSERT_TRUE(by_staff.ok()) << by_staff.status();
  EXPECT_EQ(by_staff->record.state, ReservationState::kCheckedIn);
}

TEST_F(BookingRulesTest, RefusesPastAndInvertedAndUnknown) {
  EXPECT_EQ(Book(anna_, "laser-1", Local("2026-03-26 10:00"),
                 Local("2026-03-26 11:00"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Book(anna_, "laser-1", Local("2026-03-28 11:00"),
                 Local("2026-03-28 10:00"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  auto unknown = Book(anna_, "laser-9", Local("2026-03-28 10:00"),
                      Local("2026-03-28 11:00"));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(unknown.status()),
              HasSubstr("laser-1, laser-2, printer-1"));
}

TEST_F(BookingRulesTest, ParticipantsSeeOnlyTheirOwnBookings) {
  ASSERT_TRUE(Book(anna_, "laser-1", Local("2026-03-28 10:00"),
                   Local("2026-03-28 11:00"))
                  .ok());
  auto bobs = bookings_->List(bob_, {.from = Local("2026-03-27 00:00")});
  ASSERT_TRUE(bobs.ok());
  EXPECT_TRUE(bobs->empty());
  EXPECT_EQ(
      bookings_
          ->List(bob_, {.from = Local("2026-03-27 00:00"), .all_users = true})
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  auto all = bookings_->List(
      trainer_, {.from = Local("2026-03-27 00:00"), .all_users = true});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
}

}  // namespace
}  // namespace werkbank::testing
