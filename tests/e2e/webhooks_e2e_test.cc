// SPDX-License-Identifier: EUPL-1.2
// Events out, end to end: the real werkbankd with simulated machines posts
// the lab's events to a receiver the test runs. Each delivery is signed with
// the endpoint's secret (checked here with OpenSSL's HMAC), arrives in
// order, is retried while the receiver is down or failing, survives a
// daemon restart, and never holds up a machine.
#include <gmock/gmock.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "machine_fixture.h"
#include "webhook_receiver.h"

namespace werkbank::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "s3cret-of-the-door-display";

std::string HmacHex(const std::string& key, const std::string& text) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac,
       &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    absl::StrAppend(&hex, absl::Hex(mac[i], absl::kZeroPad2));
  }
  return hex;
}

// The value of "key" in a flat JSON object, as written (quotes removed).
std::string Field(const std::string& body, const std::string& key) {
  const std::string needle = absl::StrCat("\"", key, "\":");
  const size_t at = body.find(needle);
  if (at == std::string::npos) return "";
  size_t start = at + needle.size();
  if (body[start] == '"') {
    const size_t end = body.find('"', start + 1);
    return body.substr(start + 1, end - start - 1);
  }
  const size_t end = body.find_first_of(",}", start);
  return body.substr(start, end - start);
}

class WebhooksE2E : public MachineE2E {
 protected:
  std::string WebhookConfig(const std::string& extra = "") {
    return absl::StrCat("webhooks { name: \"door\" url: \"",
                        receiver_.Url("/hook?lab=1"), "\" secret: \"", kSecret,
                        "\" ", extra, " }\n");
  }

  grpc::Status EmergencyStop(const std::string& token, const std::string& id) {
    v1::EmergencyStopRequest req;
    req.set_id(id);
    req.set_reason("smoke");
    v1::Machine m;
    auto ctx = Authed(token);
    return v1::Machines::NewStub(ch_)->EmergencyStop(ctx.get(), req, &m);
  }

  // The events of the deliveries answered 2xx, in order.
  std::vector<std::string> DeliveredEvents() {
    std::vector<std::string> out;
    for (const auto& body : receiver_.Delivered())
      out.push_back(Field(body, "event"));
    return out;
  }

  bool WaitForDelivered(const std::string& event,
                        absl::Duration timeout = absl::Seconds(20)) {
    return receiver_.WaitFor(
        [&](const std::vector<ReceivedRequest>& all) {
          for (const auto& r : all) {
            if (r.answered / 100 == 2 && Field(r.body, "event") == event)
              return true;
          }
          return false;
        },
        timeout);
  }

  WebhookReceiver receiver_;
};

TEST_F(WebhooksE2E, APrintYieldsStartedThenFinishedSignedAndInOrder) {
  StartLab(0, 3000, WebhookConfig());
  ASSERT_FALSE(HasFatalFailure());
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  const v1::Job job =
      Upload(pia_, "printer-1", "G28\nG1 X10 Y10 F3000\nG1 X20 Y20\n");
  grpc::Status started = StartJob(pia_, job.id(), {});
  ASSERT_TRUE(started.ok()) << started.error_message();
  ASSERT_TRUE(WaitForDelivered("job.finished")) << daemon_->log();

  EXPECT_THAT(DeliveredEvents(), ElementsAre("job.started", "job.finished"));
  int64_t last_id = 0;
  for (const ReceivedRequest& r : receiver_.Requests()) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/hook?lab=1");
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
    EXPECT_EQ(r.headers.at("x-werkbank-event"), Field(r.body, "event"));
    EXPECT_EQ(r.headers.at("x-werkbank-delivery"), Field(r.body, "id"));
    // The receiver's check: HMAC over "<timestamp>.<body>".
    const std::string ts = r.headers.at("x-werkbank-timestamp");
    EXPECT_EQ(r.headers.at("x-werkbank-signature"),
              "sha256=" + HmacHex(kSecret, ts + "." + r.body));
    EXPECT_NE(r.headers.at("x-werkbank-signature"),
              "sha256=" + HmacHex("another secret", ts + "." + r.body));
    int64_t stamp = 0;
    ASSERT_TRUE(absl::SimpleAtoi(ts, &stamp));
    EXPECT_LT(std::abs(stamp - absl::ToUnixSeconds(absl::Now())), 120);
    int64_t id = 0;
    ASSERT_TRUE(absl::SimpleAtoi(Field(r.body, "id"), &id));
    EXPECT_GT(id, last_id);
    last_id = id;
    EXPECT_EQ(Field(r.body, "lab"), "Test lab");
    EXPECT_EQ(Field(r.body, "machine"), "printer-1");
    EXPECT_EQ(Field(r.body, "job"), absl::StrCat(job.id()));
    EXPECT_TRUE(absl::EndsWith(Field(r.body, "time"), "Z")) << r.body;
    // Nothing that names the person who printed.
    EXPECT_THAT(r.body, Not(HasSubstr("pia")));
  }
}

TEST_F(WebhooksE2E, EventsWhileTheReceiverIsDownArriveOnceItIsBack) {
  StartLab(0, 3000,
           WebhookConfig("events: [MACHINE_EMERGENCY_STOP, MACHINE_FAULT]"));
  ASSERT_FALSE(HasFatalFailure());
  receiver_.Stop();
  ASSERT_TRUE(EmergencyStop(admin_, "printer-1").ok());
  ASSERT_TRUE(EmergencyStop(admin_, "laser-1").ok());
  // The first attempt fails (refused) and is logged; then the receiver is
  // back and gets everything, in order, once.
  ASSERT_TRUE(WaitUntil(
      [&] {
        return absl::StrContains(daemon_->log(), "webhook door: delivery");
      },
      absl::Seconds(10)));
  receiver_.Start();
  ASSERT_TRUE(receiver_.WaitFor([](const auto& all) { return all.size() >= 4; },
                                absl::Seconds(30)))
      << daemon_->log();
  absl::SleepFor(absl::Milliseconds(500));
  const std::vector<ReceivedRequest> got = receiver_.Requests();
  ASSERT_EQ(got.size(), 4u);
  std::vector<std::string> seen;
  for (const auto& r : got) {
    seen.push_back(
        absl::StrCat(Field(r.body, "event"), " ", Field(r.body, "machine")));
  }
  EXPECT_THAT(
      seen,
      ElementsAre("machine.emergency_stop printer-1", "machine.fault printer-1",
                  "machine.emergency_stop laser-1", "machine.fault laser-1"));
}

TEST_F(WebhooksE2E, AFailingReceiverGetsTheEventAgainUntilItTakesIt) {
  StartLab(0, 3000, WebhookConfig("events: [MACHINE_EMERGENCY_STOP]"));
  ASSERT_FALSE(HasFatalFailure());
  receiver_.AnswerWith(500);
  ASSERT_TRUE(EmergencyStop(admin_, "printer-1").ok());
  ASSERT_TRUE(receiver_.WaitFor([](const auto& all) { return all.size() >= 2; },
                                absl::Seconds(10)));
  receiver_.AnswerWith(204);
  ASSERT_TRUE(WaitForDelivered("machine.emergency_stop"));
  const auto got = receiver_.Requests();
  // The same delivery each time.
  for (const auto& r : got) {
    EXPECT_EQ(r.headers.at("x-werkbank-delivery"),
              got[0].headers.at("x-werkbank-delivery"));
  }
  EXPECT_THAT(daemon_->log(), HasSubstr("answered HTTP 500"));
}

TEST_F(WebhooksE2E, EventsPendingAtAStopArriveAfterTheRestart) {
  StartLab(0, 3000, WebhookConfig("events: [MACHINE_EMERGENCY_STOP]"));
  ASSERT_FALSE(HasFatalFailure());
  receiver_.Stop();
  ASSERT_TRUE(EmergencyStop(admin_, "printer-1").ok());
  ASSERT_TRUE(EmergencyStop(admin_, "laser-1").ok());
  ASSERT_TRUE(WaitUntil(
      [&] {
        return absl::StrContains(daemon_->log(), "webhook door: delivery");
      },
      absl::Seconds(10)));
  ASSERT_EQ(daemon_->Stop(), 0);
  receiver_.Start();
  StartDaemon();
  ASSERT_TRUE(receiver_.WaitFor([](const auto& all) { return all.size() >= 2; },
                                absl::Seconds(30)))
      << daemon_->log();
  absl::SleepFor(absl::Milliseconds(500));
  std::vector<std::string> machines;
  for (const auto& r : receiver_.Requests())
    machines.push_back(Field(r.body, "machine"));
  EXPECT_THAT(machines, ElementsAre("printer-1", "laser-1"));
}

// The receiver takes 10 s to answer job.started; meanwhile staff stop the
// laser. The stop is on the wire and the machine in fault while that
// delivery is still unanswered.
TEST_F(WebhooksE2E, ASlowReceiverDelaysNeitherAStopNorAStateChange) {
  StartLab(0, 3000, WebhookConfig());
  ASSERT_FALSE(HasFatalFailure());
  receiver_.DelayAnswers(absl::Seconds(10));
  StartLaserJob(20000);
  ASSERT_TRUE(receiver_.WaitFor([](const auto& all) { return !all.empty(); },
                                absl::Seconds(10)));
  ASSERT_TRUE(EmergencyStop(admin_, "laser-1").ok());
  EXPECT_EQ(GetMachine("laser-1").state(), v1::MACHINE_STATE_FAULT);
  EXPECT_TRUE(WaitUntil([&] { return SimState("laser")["laser_on"] == "0"; },
                        absl::Seconds(2)));
  const auto got = receiver_.Requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(Field(got[0].body, "event"), "job.started");
  EXPECT_EQ(got[0].answered, 0) << "the receiver answered before the stop";
}

TEST_F(WebhooksE2E, ABookingIsRemindedOnceBeforeItStarts) {
  daemon_binary_ = "werkbankd-shifted-clock";
  StartLab(0, 3000,
           WebhookConfig("events: [BOOKING_REMINDER] reminder_minutes: 10"));
  ASSERT_FALSE(HasFatalFailure());
  const absl::Time start =
      absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 60 * 60) +
      absl::Minutes(30);
  v1::CreateReservationRequest req;
  req.set_machine_id("laser-1");
  *req.mutable_time()->mutable_start() = Ts(start);
  *req.mutable_time()->mutable_end() = Ts(start + absl::Minutes(45));
  v1::CreateReservationResponse made;
  auto ctx = Authed(pia_);
  ASSERT_TRUE(v1::Bookings::NewStub(ch_)
                  ->CreateReservation(ctx.get(), req, &made)
                  .ok());
  const int64_t booking = made.reservations(0).id();
  // 25 minutes before: nothing yet.
  absl::SleepFor(absl::Seconds(2));
  EXPECT_TRUE(receiver_.Requests().empty());
  // 9 minutes before: the reminder.
  daemon_->ShiftClock(start - absl::Minutes(9) - absl::Now());
  ASSERT_TRUE(WaitForDelivered("booking.reminder")) << daemon_->log();
  daemon_->ShiftClock(start - absl::Minutes(7) - absl::Now());
  absl::SleepFor(absl::Seconds(3));
  const auto got = receiver_.Requests();
  ASSERT_EQ(got.size(), 1u);
  const std::string& body = got[0].body;
  EXPECT_EQ(Field(body, "booking"), absl::StrCat(booking));
  EXPECT_EQ(Field(body, "machine"), "laser-1");
  EXPECT_EQ(Field(body, "machine_class"), "laser");
  EXPECT_EQ(Field(body, "kind"), "personal");
  EXPECT_EQ(Field(body, "start"),
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", start, absl::UTCTimeZone()));
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  EXPECT_EQ(Field(body, "start_local"),
            absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", start, berlin));
  EXPECT_THAT(body, Not(HasSubstr("pia")));
}

}  // namespace
}  // namespace werkbank::testing
