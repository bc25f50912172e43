// SPDX-License-Identifier: EUPL-1.2
// 32 clients, each on its own connection, book the same slot at the same
// moment: exactly one wins, the rest get a clear conflict, and only one
// reservation is stored.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <thread>

#include "daemon.h"
#include "werkbank/v1/bookings.grpc.pb.h"
#include "werkbank/v1/trainings.grpc.pb.h"

namespace werkbank::testing {
namespace {

TEST(BookingRaceE2E, ExactlyOneOf32Wins) {
  constexpr int kClients = 32;
  auto d = Daemon::Start();
  ASSERT_TRUE(d);
  auto ch = d->Channel();
  const std::string admin = Login(ch, "admin", d->admin_password());
  std::vector<std::string> logins;
  v1::RecordBriefingRequest brief;
  brief.set_machine_class("fdm");
  for (int i = 0; i < kClients; ++i) {
    logins.push_back("racer" + std::to_string(i));
    brief.add_participant_logins(logins.back());
  }
  std::vector<std::string> passwords;
  for (const auto& l : logins)
    passwords.push_back(CreateUser(ch, admin, l, {"participant"}));
  v1::Briefing b;
  auto bctx = Authed(admin);
  ASSERT_TRUE(
      v1::Trainings::NewStub(ch)->RecordBriefing(bctx.get(), brief, &b).ok());

  std::vector<std::string> tokens;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < kClients; ++i) {
    channels.push_back(d->Channel());
    tokens.push_back(Login(channels.back(), logins[i], passwords[i]));
  }
  const absl::Time start = BerlinTomorrowAt(15);
  std::atomic<int> won{0}, conflict{0}, other{0};
  std::vector<std::string> other_messages(kClients);
  std::barrier gate(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      auto stub = v1::Bookings::NewStub(channels[i]);
      v1::CreateReservationRequest req;
      req.set_machine_id("printer-1");
      *req.mutable_time()->mutable_start() = Ts(start);
      *req.mutable_time()->mutable_end() = Ts(start + absl::Hours(1));
      v1::CreateReservationResponse resp;
      auto ctx = Authed(tokens[i]);
      gate.arrive_and_wait();
      grpc::Status s = stub->CreateReservation(ctx.get(), req, &resp);
      if (s.ok()) {
        ++won;
      } else if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS &&
                 s.error_message().find("printer-1 is already booked") !=
                     std::string::npos) {
        ++conflict;
      } else {
        ++other;
        other_messages[i] = s.error_message();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflict.load(), kClients - 1);
  EXPECT_EQ(other.load(), 0) << ::testing::PrintToString(other_messages);

  v1::ListReservationsRequest list;
  list.set_all_users(true);
  list.set_machine_id("printer-1");
  v1::ListReservationsResponse stored;
  auto lctx = Authed(admin);
  ASSERT_TRUE(v1::Bookings::NewStub(ch)
                  ->ListReservations(lctx.get(), list, &stored)
                  .ok());
  EXPECT_EQ(stored.reservations_size(), 1);
}

}  // namespace
}  // namespace werkbank::testing
