// SPDX-License-Identifier: EUPL-1.2
// Connect server streams over HTTP against the real werkbankd: WatchLab
// delivers enveloped snapshots, and the response ends within a second once
// staff revoke the watcher's sessions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>

#include "lab_fixture.h"
#include "web_client.h"
#include "werkbank/v1/accounts.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;

class WebStreamE2E : public LabE2E {
 protected:
  void SetUp() override {
    StartDaemonAndLogIn();
    web_ =
        std::make_unique<WebClient>(daemon_->web_port(), daemon_->cert_pem());
  }

  std::string WebLogin(const std::string& login, const std::string& password) {
    return SessionCookieOf(web_->Call("/werkbank.v1.Accounts/Login",
                                      R"({"password":{"login":")" + login +
                                          R"(","password":")" + password +
                                          R"("}})"));
  }

  std::unique_ptr<WebClient> web_;
};

TEST_F(WebStreamE2E, WatchLabStreamsAndEndsWhenTheSessionIsRevoked) {
  const std::string password = CreateUser(ch_, admin_, "tom", {"trainer"});
  const std::string session = WebLogin("tom", password);
  ASSERT_FALSE(session.empty());

  WebStream watch(*web_, "/werkbank.v1.Monitor/WatchLab",
                  R"({"minIntervalMs":100})", session);
  ASSERT_TRUE(watch.WaitForMessages(1, std::chrono::seconds(30)))
      << "no snapshot; ended with " << watch.end_json();
  EXPECT_EQ(watch.status(), 200);
  EXPECT_EQ(watch.content_type(), "application/connect+json");
  EXPECT_THAT(watch.messages()[0], HasSubstr("laser-1"));

  v1::RevokeSessionsRequest req;
  req.set_login("tom");
  v1::RevokeSessionsResponse out;
  auto ctx = Authed(admin_);
  const auto revoked = std::chrono::steady_clock::now();
  ASSERT_TRUE(
      v1::Accounts::NewStub(ch_)->RevokeSessions(ctx.get(), req, &out).ok());
  // The gRPC side ends the watch within a second; the bound here only
  // keeps a stream that never ends from hanging the test.
  ASSERT_TRUE(watch.WaitForEnd(std::chrono::seconds(10)))
      << "the HTTP stream stayed open after the revocation";
  std::cout << "HTTP stream ended "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - revoked)
                   .count()
            << " ms after RevokeSessions\n";
  EXPECT_THAT(watch.end_json(), HasSubstr("unauthenticated"));
}

TEST_F(WebStreamE2E, AParticipantCannotWatchTheLab) {
  const std::string password = CreateUser(ch_, admin_, "pia", {"participant"});
  WebStream watch(*web_, "/werkbank.v1.Monitor/WatchLab", "{}",
                  WebLogin("pia", password));
  ASSERT_TRUE(watch.WaitForEnd(std::chrono::seconds(30)));
  EXPECT_TRUE(watch.messages().empty());
  EXPECT_THAT(watch.end_json(), HasSubstr("permission_denied"));
  EXPECT_THAT(watch.end_json(), HasSubstr("Monitor/WatchLab needs one of"));
}

TEST_F(WebStreamE2E, AMalformedStreamRequestIsRefusedInTheEndEnvelope) {
  WebStream watch(*web_, "/werkbank.v1.Monitor/WatchLab", "{\"minIntervalMs\":",
                  WebLogin("admin", daemon_->admin_password()));
  ASSERT_TRUE(watch.WaitForEnd(std::chrono::seconds(30)));
  EXPECT_THAT(watch.end_json(), HasSubstr("invalid_argument"));
  EXPECT_THAT(watch.end_json(), HasSubstr("not valid JSON"));
}

}  // namespace
}  // namespace werkbank::testing
