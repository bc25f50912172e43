// SPDX-License-Identifier: EUPL-1.2
// Bad input against the real daemon: each gets a clear error or a closed
// connection, the daemon keeps serving, and nothing stored is lost.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "lab_fixture.h"
#include "werkbank/v1/accounts.grpc.pb.h"
#include "werkbank/v1/bookings.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;

class BadInputE2E : public LabE2E {
 protected:
  void SetUp() override {
    StartDaemonAndLogIn();
    stub_ = v1::Bookings::NewStub(ch_);
  }

  grpc::Status Book(const std::string& machine, int64_t start_s, int64_t end_s,
                    const std::string& note = "") {
    v1::CreateReservationRequest req;
    req.set_machine_id(machine);
    req.mutable_time()->mutable_start()->set_seconds(start_s);
    req.mutable_time()->mutable_end()->set_seconds(end_s);
    req.set_note(note);
    v1::CreateReservationResponse resp;
    auto ctx = Authed(admin_);
    return stub_->CreateReservation(ctx.get(), req, &resp);
  }

  void ExpectStillServing() {
    auto accounts = v1::Accounts::NewStub(daemon_->Channel());
    v1::User me;
    auto ctx = Authed(admin_);
    grpc::Status s = accounts->WhoAmI(ctx.get(), v1::WhoAmIRequest(), &me);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(me.login(), "admin");
    EXPECT_TRUE(daemon_->Running());
  }

  std::unique_ptr<v1::Bookings::Stub> stub_;
};

TEST_F(BadInputE2E, MalformedBookingsGetClearErrors) {
  const int64_t ten = absl::ToUnixSeconds(BerlinTomorrowAt(10));
  ASSERT_TRUE(Book("laser-1", ten, ten + 3600).ok());

  grpc::Status inverted = Book("laser-1", ten + 3600, ten);
  EXPECT_EQ(inverted.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(inverted.error_message(),
              HasSubstr("end must be after the start"));

  grpc::Status unknown = Book("laser-42", ten, ten + 3600);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(unknown.error_message(),
              HasSubstr("unknown machine \"laser-42\""));

  grpc::Status far = Book("laser-1", 253402300000, 253402300799);
  EXPECT_EQ(far.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(far.error_message(), HasSubstr("out of range"));

  grpc::Status beyond = Book("laser-1", INT64_MAX - 10, INT64_MAX);
  EXPECT_EQ(beyond.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(beyond.error_message(), HasSubstr("not a valid timestamp"));

  grpc::Status negative = Book("laser-1", -99999999999, ten);
  EXPECT_EQ(negative.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  grpc::Status huge_note =
      Book("printer-1", ten, ten + 3600, std::string(100000, 'x'));
  EXPECT_EQ(huge_note.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(huge_note.error_message(), HasSubstr("note is too long"));

  grpc::Status huge_machine = Book(std::string(1 << 20, 'm'), ten, ten + 3600);
  EXPECT_EQ(huge_machine.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_LT(huge_machine.error_message().size(), 200u);

  v1::CreateReservationRequest no_time;
  no_time.set_machine_id("laser-1");
  v1::CreateReservationResponse resp;
  auto ctx = Authed(admin_);
  grpc::Status missing = stub_->CreateReservation(ctx.get(), no_time, &resp);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(missing.error_message(), HasSubstr("time is required"));

  v1::CreateReservationRequest bad_kind;
  bad_kind.set_machine_id("laser-1");
  bad_kind.set_kind(static_cast<v1::ReservationKind>(77));
  *bad_kind.mutable_time()->mutable_start() = Ts(BerlinTomorrowAt(16));
  *bad_kind.mutable_time()->mutable_end() = Ts(BerlinTomorrowAt(17));
  auto kctx = Authed(admin_);
  EXPECT_EQ(stub_->CreateReservation(kctx.get(), bad_kind, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::GetAvailabilityRequest wide;
  wide.set_machine_id("laser-1");
  wide.mutable_range()->mutable_start()->set_seconds(ten);
  wide.mutable_range()->mutable_end()->set_seconds(ten + 400LL * 86400);
  v1::GetAvailabilityResponse free;
  auto actx = Authed(admin_);
  EXPECT_EQ(stub_->GetAvailability(actx.get(), wide, &free).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  ExpectStillServing();
  // The one good booking is still there, and only it.
  v1::ListReservationsRequest list;
  list.set_all_users(true);
  v1::ListReservationsResponse stored;
  auto lctx = Authed(admin_);
  ASSERT_TRUE(stub_->ListReservations(lctx.get(), list, &stored).ok());
  EXPECT_EQ(stored.reservations_size(), 1);
}

TEST_F(BadInputE2E, BadUserInput) {
  auto accounts = v1::Accounts::NewStub(ch_);
  v1::CreateUserRequest req;
  req.set_login("Robert'); DROP TABLE users;--");
  v1::CreateUserResponse resp;
  auto ctx = Authed(admin_);
  grpc::Status s = accounts->CreateUser(ctx.get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  req.set_login("bobby");
  req.set_display_name(std::string(5000, 'B'));
  auto ctx2 = Authed(admin_);
  EXPECT_EQ(accounts->CreateUser(ctx2.get(), req, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  req.set_display_name("Bobby");
  req.add_roles(static_cast<v1::Role>(42));
  auto ctx3 = Authed(admin_);
  EXPECT_EQ(accounts->CreateUser(ctx3.get(), req, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ExpectStillServing();
}

// Sends `body` as the request of `method` without encoding anything.
grpc::Status CallWithRawBody(const std::shared_ptr<grpc::Channel>& ch,
                             const std::string& token,
                             const std::string& method,
                             const std::string& body) {
  grpc::GenericStub stub(ch);
  auto ctx = Authed(token);
  grpc::CompletionQueue cq;
  grpc::Slice slice(body);
  grpc::ByteBuffer request(&slice, 1), response;
  auto call = stub.PrepareUnaryCall(ctx.get(), method, request, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  EXPECT_TRUE(cq.Next(&tag, &ok));
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

TEST_F(BadInputE2E, MalformedRequestBodiesAreInvalidArgumentsWithAMessage) {
  const std::string not_protobuf("\xff\xff\xff\xff\x0f", 5);
  // A LoginRequest whose login (field 1 of the password, field 1) is not
  // UTF-8: valid wire format, invalid for a string field.
  const std::string bad_text("\x0a\x05\x0a\x03G1\xe9", 7);
  for (const auto& [method, body] :
       std::vector<std::pair<std::string, std::string>>{
           {"/werkbank.v1.Accounts/Login", not_protobuf},
           {"/werkbank.v1.Accounts/Login", bad_text},
           {"/werkbank.v1.Bookings/CreateReservation", not_protobuf},
           {"/werkbank.v1.Machines/GetMachine", bad_text}}) {
    const grpc::Status s = CallWithRawBody(ch_, admin_, method, body);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
    EXPECT_THAT(s.error_message(), HasSubstr("not a valid message")) << method;
  }
  ExpectStillServing();
}

TEST_F(BadInputE2E, APlaintextClientOnTheTlsPortIsTurnedAway) {
  auto plain = grpc::CreateChannel(daemon_->address(),
                                   grpc::InsecureChannelCredentials());
  auto accounts = v1::Accounts::NewStub(plain);
  v1::User me;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  grpc::Status s = accounts->WhoAmI(&ctx, v1::WhoAmIRequest(), &me);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.error_code(), grpc::StatusCode::UNKNOWN);
  ExpectStillServing();
}

// A connection that never starts its TLS handshake is dropped after the
// handshake timeout (5 s), not left to hold the daemon's memory.
TEST_F(BadInputE2E, AConnectionThatNeverHandshakesIsDropped) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(daemon_->port()));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{30, 0};  // generous: the assertion is that it closes at all
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[256];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  const bool timed_out = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  EXPECT_FALSE(timed_out) << "the daemon kept a silent connection for 30 s";
  EXPECT_LE(n, 0);
  ::close(fd);
  ExpectStillServing();
}

TEST_F(BadInputE2E, GarbageBytesCloseTheConnection) {
  for (int round = 0; round < 20; ++round) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(daemon_->port()));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr),
              0);
    std::string junk;
    for (int i = 0; i < 4096; ++i)
      junk.push_back(static_cast<char>((i * 7919 + round * 31) & 0xff));
    (void)::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
    timeval tv{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[256];
    ssize_t n;
    int reads = 0;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0 && ++reads < 100) {
    }
    EXPECT_LE(n, 0) << "the daemon kept a garbage connection open";
    ::close(fd);
  }
  ExpectStillServing();
}

}  // namespace
}  // namespace werkbank::testing
