// SPDX-License-Identifier: EUPL-1.2
// The Connect envelope codec and error mapping, one rule at a time.
#include "services/web/connect_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace werkbank::web {
namespace {

using ::testing::HasSubstr;

TEST(ConnectCodec, AnEnvelopeIsFlagsBigEndianLengthAndPayload) {
  const std::string e = Envelope(kEnvelopeEndStream, std::string(258, 'x'));
  ASSERT_EQ(e.size(), 5u + 258u);
  EXPECT_EQ(static_cast<uint8_t>(e[0]), 0x02);
  EXPECT_EQ(e.substr(1, 4), std::string("\0\0\x01\x02", 4));
  EXPECT_EQ(e.substr(5), std::string(258, 'x'));
}

TEST(ConnectCodec, ASingleEnvelopeRoundTrips) {
  auto payload = SingleEnvelopePayload(Envelope(0, R"({"id":"7"})"));
  ASSERT_TRUE(payload.ok()) << payload.status();
  EXPECT_EQ(*payload, R"({"id":"7"})");
  auto empty = SingleEnvelopePayload(Envelope(0, ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(ConnectCodec, BrokenEnvelopesAreRefusedWithAReason) {
  EXPECT_THAT(SingleEnvelopePayload("{}").status().message(),
              HasSubstr("5-byte prefix"));
  EXPECT_THAT(SingleEnvelopePayload(Envelope(0, "{}") + "x").status().message(),
              HasSubstr("exactly one message"));
  EXPECT_THAT(
      SingleEnvelopePayload(Envelope(0, "{}").substr(0, 6)).status().message(),
      HasSubstr("says 2 bytes but 1 follow"));
  EXPECT_THAT(SingleEnvelopePayload(Envelope(kEnvelopeCompressed, "{}"))
                  .status()
                  .message(),
              HasSubstr("compressed"));
  EXPECT_FALSE(SingleEnvelopePayload(Envelope(kEnvelopeEndStream, "{}")).ok());
}

TEST(ConnectCodec, CodesAndHttpStatusesFollowConnect) {
  EXPECT_EQ(ConnectCode(grpc::StatusCode::PERMISSION_DENIED),
            "permission_denied");
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(ConnectCode(grpc::StatusCode::CANCELLED), "canceled");
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::FAILED_PRECONDITION), 400);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::ALREADY_EXISTS), 409);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::INTERNAL), 500);
}

TEST(ConnectCodec, ErrorJsonEscapesTheMessage) {
  EXPECT_EQ(ErrorJson(grpc::StatusCode::NOT_FOUND, "no \"x\"\n\\ \x01"),
            R"({"code":"not_found","message":"no \"x\"\n\\ \u0001"})");
  EXPECT_EQ(EndStreamJson(grpc::Status::OK), "{}");
  EXPECT_EQ(
      EndStreamJson(
          grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "session ended")),
      R"({"error":{"code":"unauthenticated","message":"session ended"}})");
}

}  // namespace
}  // namespace werkbank::web
