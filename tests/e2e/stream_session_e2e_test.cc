// SPDX-License-Identifier: EUPL-1.2
// Open streams end with their session: after a logout, revoked sessions, a
// disabled account, a password change (by staff, or one's own from another
// session) or a role change, a lab watch ends with UNAUTHENTICATED or
// PERMISSION_DENIED, and an upload in progress is ended without storing a
// job.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "lab_fixture.h"
#include "werkbank/v1/accounts.grpc.pb.h"
#include "werkbank/v1/jobs.grpc.pb.h"
#include "werkbank/v1/monitor.grpc.pb.h"

namespace werkbank::testing {
namespace {

class StreamSessionE2E : public LabE2E {
 protected:
  void SetUp() override {
    StartDaemonAndLogIn();
    accounts_ = v1::Accounts::NewStub(ch_);
  }

  void UpdateUser(v1::UpdateUserRequest req) {
    v1::User out;
    auto ctx = Authed(admin_);
    ASSERT_TRUE(accounts_->UpdateUser(ctx.get(), req, &out).ok());
  }

  // Opens a lab watch as `token`, runs `end_session`, and returns how the
  // watch ended (the context's 30 s deadline is far above the 1 s it
  // should take).
  grpc::Status WatchThen(const std::string& token,
                         const std::function<void()>& end_session) {
    auto ctx = Authed(token);
    v1::WatchLabRequest req;
    req.set_min_interval_ms(100);
    auto reader = v1::Monitor::NewStub(ch_)->WatchLab(ctx.get(), req);
    v1::LabSnapshot snapshot;
    EXPECT_TRUE(reader->Read(&snapshot));
    end_session();
    while (reader->Read(&snapshot)) {
    }
    return reader->Finish();
  }

  std::unique_ptr<v1::Accounts::Stub> accounts_;
};

TEST_F(StreamSessionE2E, AWatchEndsWhenTheAccountIsDisabled) {
  const std::string tom = NewUser("tom", {"trainer"});
  const grpc::Status ended = WatchThen(tom, [&] {
    v1::UpdateUserRequest req;
    req.set_login("tom");
    req.set_disabled(true);
    UpdateUser(req);
  });
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << ended.error_message();
}

TEST_F(StreamSessionE2E, AWatchEndsWithLogoutRevocationAndPasswordChange) {
  const std::string a = NewUser("trainer-a", {"trainer"});
  EXPECT_EQ(
      WatchThen(
          a,
          [&] {
            v1::LogoutResponse out;
            auto ctx = Authed(a);
            ASSERT_TRUE(
                accounts_->Logout(ctx.get(), v1::LogoutRequest(), &out).ok());
          })
          .error_code(),
      grpc::StatusCode::UNAUTHENTICATED);

  const std::string b = NewUser("trainer-b", {"trainer"});
  EXPECT_EQ(
      WatchThen(b,
                [&] {
                  v1::RevokeSessionsRequest req;
                  req.set_login("trainer-b");
                  v1::RevokeSessionsResponse out;
                  auto ctx = Authed(admin_);
                  ASSERT_TRUE(
                      accounts_->RevokeSessions(ctx.get(), req, &out).ok());
                })
          .error_code(),
      grpc::StatusCode::UNAUTHENTICATED);

  const std::string c = NewUser("trainer-c", {"trainer"});
  EXPECT_EQ(WatchThen(c,
                      [&] {
                        v1::SetPasswordRequest req;
                        req.set_login("trainer-c");
                        req.set_new_password("a-new-password");
                        v1::SetPasswordResponse out;
                        auto ctx = Authed(admin_);
                        ASSERT_TRUE(
                            accounts_->SetPassword(ctx.get(), req, &out).ok());
                      })
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

// Finding 6 over the wire: a stolen staff session cannot change staff's
// password without the current one; the owner's change ends the other
// session and its watch, and the owner's own session goes on.
TEST_F(StreamSessionE2E, AnOwnPasswordChangeNeedsTheCurrentOneAndEndsOthers) {
  const std::string password = CreateUser(ch_, admin_, "sara", {"staff"});
  const std::string mine = Login(ch_, "sara", password);
  const std::string stolen = Login(ch_, "sara", password);
  auto set_own = [&](const std::string& token, const std::string& current) {
    v1::SetPasswordRequest req;
    req.set_login("sara");
    req.set_current_password(current);
    req.set_new_password("sara-new-password");
    v1::SetPasswordResponse out;
    auto ctx = Authed(token);
    return accounts_->SetPassword(ctx.get(), req, &out);
  };
  EXPECT_EQ(set_own(stolen, "").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(set_own(stolen, "a-guess-at-it").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status ended = WatchThen(stolen, [&] {
    const grpc::Status changed = set_own(mine, password);
    ASSERT_TRUE(changed.ok()) << changed.error_message();
  });
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << ended.error_message();
  v1::User me;
  auto ctx = Authed(mine);
  EXPECT_TRUE(accounts_->WhoAmI(ctx.get(), v1::WhoAmIRequest(), &me).ok());
  auto sctx = Authed(stolen);
  EXPECT_EQ(
      accounts_->WhoAmI(sctx.get(), v1::WhoAmIRequest(), &me).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(StreamSessionE2E, AWatchEndsWhenTheRolesChange) {
  const std::string tom = NewUser("tom", {"trainer"});
  const grpc::Status ended = WatchThen(tom, [&] {
    v1::UpdateUserRequest req;
    req.set_login("tom");
    req.set_set_roles(true);
    req.add_roles(v1::ROLE_PARTICIPANT);
    UpdateUser(req);
  });
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << ended.error_message();
}

TEST_F(StreamSessionE2E, AnUploadEndsWhenTheAccountIsDisabled) {
  const std::string pia = NewUser("pia", {"participant"});
  auto ctx = Authed(pia);
  v1::Job job;
  auto writer = v1::Jobs::NewStub(ch_)->UploadJob(ctx.get(), &job);
  v1::UploadJobRequest header;
  header.mutable_header()->set_machine_id("laser-1");
  header.mutable_header()->set_file_name("slow.gcode");
  ASSERT_TRUE(writer->Write(header));
  v1::UpdateUserRequest req;
  req.set_login("pia");
  req.set_disabled(true);
  UpdateUser(req);
  // The client never finishes its upload; the server ends it.
  const grpc::Status ended = writer->Finish();
  EXPECT_FALSE(ended.ok());
  EXPECT_NE(ended.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << "the upload stayed open until the client's deadline";
  v1::ListJobsRequest list;
  list.set_all_users(true);
  v1::ListJobsResponse jobs;
  auto lctx = Authed(admin_);
  ASSERT_TRUE(v1::Jobs::NewStub(ch_)->ListJobs(lctx.get(), list, &jobs).ok());
  EXPECT_EQ(jobs.jobs_size(), 0);
}

}  // namespace
}  // namespace werkbank::testing
