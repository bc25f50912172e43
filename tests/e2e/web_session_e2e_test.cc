// SPDX-License-Identifier: EUPL-1.2
// The HTTP API's sessions and guards against the real werkbankd over TLS:
// login puts the token in an HttpOnly cookie, the role table applies as on
// gRPC, CSRF and bad input are refused with a message, and the daemon
// keeps serving.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lab_fixture.h"
#include "web_client.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class WebSessionE2E : public LabE2E {
 protected:
  void SetUp() override {
    StartDaemonAndLogIn();
    ASSERT_GT(daemon_->web_port(), 0) << daemon_->log();
    web_ =
        std::make_unique<WebClient>(daemon_->web_port(), daemon_->cert_pem());
  }

  WebResponse LoginOverHttp(const std::string& login,
                            const std::string& password) {
    return web_->Call("/werkbank.v1.Accounts/Login",
                      R"({"password":{"login":")" + login +
                          R"(","password":")" + password + R"("}})");
  }

  std::unique_ptr<WebClient> web_;
};

TEST_F(WebSessionE2E, LoginSetsAnHttpOnlyCookieAndLogoutClearsIt) {
  WebResponse login = LoginOverHttp("admin", daemon_->admin_password());
  ASSERT_EQ(login.status, 200) << login.body << login.error;
  EXPECT_EQ(login.Header("content-type"), "application/json");
  const std::string cookie_line = login.Header("set-cookie");
  EXPECT_THAT(cookie_line, HasSubstr("HttpOnly"));
  EXPECT_THAT(cookie_line, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(cookie_line, HasSubstr("Secure"));
  EXPECT_THAT(cookie_line, HasSubstr("Path=/"));
  const std::string session = SessionCookieOf(login);
  ASSERT_FALSE(session.empty());
  // The page's scripts never see the token.
  EXPECT_THAT(login.body, Not(HasSubstr(session)));
  EXPECT_THAT(login.body, Not(HasSubstr("\"token\"")));
  EXPECT_THAT(login.body, HasSubstr("\"login\":\"admin\""));
  EXPECT_NE(login.Header("strict-transport-security"), "");

  WebResponse who = web_->Call("/werkbank.v1.Accounts/WhoAmI", "{}", session);
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_THAT(who.body, HasSubstr("admin"));

  // A generic Connect client or curl sends the token as a bearer token.
  WebResponse bearer = web_->Send("POST", "/werkbank.v1.Accounts/WhoAmI",
                                  {{"Content-Type", "application/json"},
                                   {"Connect-Protocol-Version", "1"},
                                   {"Authorization", "Bearer " + session}},
                                  "{}");
  EXPECT_EQ(bearer.status, 200) << bearer.body;

  WebResponse logout =
      web_->Call("/werkbank.v1.Accounts/Logout", "{}", session);
  ASSERT_EQ(logout.status, 200) << logout.body;
  EXPECT_THAT(logout.Header("set-cookie"), HasSubstr("werkbank_session=;"));
  EXPECT_THAT(logout.Header("set-cookie"), HasSubstr("Max-Age=0"));

  WebResponse after = web_->Call("/werkbank.v1.Accounts/WhoAmI", "{}", session);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(JsonField(after.body, "code"), "unauthenticated");
}

TEST_F(WebSessionE2E, TheRoleTableAppliesWithTheDaemonsMessage) {
  const std::string password = CreateUser(ch_, admin_, "pia", {"participant"});
  const std::string session = SessionCookieOf(LoginOverHttp("pia", password));
  ASSERT_FALSE(session.empty());

  WebResponse denied =
      web_->Call("/werkbank.v1.Audit/ListAuditEvents", "{}", session);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(JsonField(denied.body, "code"), "permission_denied");
  EXPECT_THAT(JsonField(denied.body, "message"),
              HasSubstr("Audit/ListAuditEvents needs one of the roles"));

  WebResponse anonymous =
      web_->Call("/werkbank.v1.Machines/ListMachines", "{}");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(JsonField(anonymous.body, "code"), "unauthenticated");
  EXPECT_THAT(JsonField(anonymous.body, "message"), HasSubstr("log in first"));

  WebResponse machines =
      web_->Call("/werkbank.v1.Machines/ListMachines", "{}", session);
  EXPECT_EQ(machines.status, 200);
  EXPECT_THAT(machines.body, HasSubstr("laser-1"));
}

TEST_F(WebSessionE2E, CrossSitePostsAndGetsOnTheApiAreRefused) {
  // A cross-site form can send neither this header nor JSON.
  WebResponse no_header =
      web_->Send("POST", "/werkbank.v1.Accounts/Login",
                 {{"Content-Type", "application/json"}},
                 R"({"password":{"login":"admin","password":"x"}})");
  EXPECT_EQ(no_header.status, 400);
  EXPECT_THAT(no_header.body, HasSubstr("Connect-Protocol-Version: 1"));

  WebResponse form =
      web_->Send("POST", "/werkbank.v1.Accounts/Logout",
                 {{"Content-Type", "application/x-www-form-urlencoded"},
                  {"Connect-Protocol-Version", "1"}},
                 "a=b");
  EXPECT_EQ(form.status, 415);
  EXPECT_THAT(form.body, HasSubstr("application/json"));

  WebResponse get = web_->Send("GET", "/werkbank.v1.Accounts/WhoAmI", {});
  EXPECT_EQ(get.status, 405);
  EXPECT_THAT(get.body, HasSubstr("POST only"));
  EXPECT_EQ(get.Header("content-security-policy").find("default-src 'self'"),
            0u);

  WebResponse unknown = web_->Call("/werkbank.v1.Accounts/Nope", "{}");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.body, HasSubstr("no such method"));
}

TEST_F(WebSessionE2E, BadJsonAndOversizedBodiesGetAMessage) {
  const std::string session =
      SessionCookieOf(LoginOverHttp("admin", daemon_->admin_password()));
  WebResponse malformed =
      web_->Call("/werkbank.v1.Machines/GetMachine", "{\"id\": ", session);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(JsonField(malformed.body, "code"), "invalid_argument");
  EXPECT_THAT(JsonField(malformed.body, "message"),
              HasSubstr("not valid JSON for werkbank.v1.GetMachineRequest"));

  // Unknown fields are ignored, as proto3 JSON allows.
  WebResponse extra = web_->Call("/werkbank.v1.Accounts/WhoAmI",
                                 R"({"someday":"a new field"})", session);
  EXPECT_EQ(extra.status, 200) << extra.body;

  const std::string huge =
      R"({"login":")" + std::string(2 << 20, 'a') + R"("})";
  WebResponse oversized =
      web_->Call("/werkbank.v1.Accounts/GetUser", huge, session);
  EXPECT_EQ(oversized.status, 413) << oversized.error;
  EXPECT_EQ(JsonField(oversized.body, "code"), "resource_exhausted");
  EXPECT_THAT(oversized.body, HasSubstr("larger than 1048576 bytes"));

  // The daemon keeps serving, over HTTP and gRPC.
  WebResponse again = web_->Call("/werkbank.v1.Accounts/WhoAmI", "{}", session);
  EXPECT_EQ(again.status, 200);
  EXPECT_FALSE(Login(ch_, "admin", daemon_->admin_password()).empty());
}

}  // namespace
}  // namespace werkbank::testing
