// SPDX-License-Identifier: EUPL-1.2
// Accounts with a fake clock: login, token expiry and revocation, failed-login
// slowdown and lockout, and who may create whom.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "domain_fixture.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;

class AccountsTest : public DomainTest {};

TEST_F(AccountsTest, LoginGivesATokenThatAuthenticatesUntilItExpires) {
  MakeUser("anna", store::kParticipant, "anna-secret-1");
  auto login = accounts_->LoginWithPassword("anna", "anna-secret-1");
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_EQ(login->token.size(), 43u);  // 32 random bytes, base64url
  auto actor = accounts_->Authenticate(login->token);
  ASSERT_TRUE(actor.ok());
  EXPECT_EQ(actor->login, "anna");
  clock_.Advance(absl::Seconds(3599));
  EXPECT_TRUE(accounts_->Authenticate(login->token).ok());
  clock_.Advance(absl::Seconds(1));  // token_ttl_seconds: 3600
  EXPECT_EQ(accounts_->Authenticate(login->token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(AccountsTest, TokensAreStoredOnlyAsHashes) {
  MakeUser("anna", store::kParticipant, "anna-secret-1");
  auto login = accounts_->LoginWithPassword("anna", "anna-secret-1");
  ASSERT_TRUE(login.ok());
  auto s = store_->Read([&](store::Transaction& tx) -> absl::Status {
    auto raw = tx.FindToken(login->token);
    EXPECT_TRUE(raw.ok() && !raw->has_value()) << "token stored in the clear";
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok());
}

TEST_F(AccountsTest, LogoutAndStaffRevocationEndSessions) {
  MakeUser("anna", store::kParticipant, "anna-secret-1");
  auto a = accounts_->LoginWithPassword("anna", "anna-secret-1");
  auto b = accounts_->LoginWithPassword("anna", "anna-secret-1");
  ASSERT_TRUE(a.ok() && b.ok());
  auto actor = accounts_->Authenticate(a->token);
  ASSERT_TRUE(actor.ok());
  ASSERT_TRUE(accounts_->Logout(*actor).ok());
  EXPECT_FALSE(accounts_->Authenticate(a->token).ok());
  EXPECT_TRUE(accounts_->Authenticate(b->token).ok());
  auto revoked = accounts_->RevokeSessions(staff_, "anna");
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(*revoked, 1);
  EXPECT_FALSE(accounts_->Authenticate(b->token).ok());
}

TEST_F(AccountsTest, WrongPasswordAndUnknownLoginLookAlike) {
  MakeUser("anna", store::kParticipant, "anna-secret-1");
  auto wrong = accounts_->LoginWithPassword("anna", "nope-nope");
  auto unknown = accounts_->LoginWithPassword("nobody", "nope-nope");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.status(), unknown.status());
}

TEST_F(AccountsTest, RepeatedFailuresAreSlowedDownThenLockedOut) {
  MakeUser("anna", store::kParticipant, "anna-secret-1");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(accounts_->LoginWithPassword("anna", "guess").status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  // The third failure started a 1 s delay: even the right password waits.
  auto slowed = accounts_->LoginWithPassword("anna", "anna-secret-1");
  EXPECT_EQ(slowed.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(slowed.status().message()),
              HasSubstr("try again in 1 s"));
  clock_.Advance(absl::Seconds(1));
  // Each further failure doubles the wait ...
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(accounts_->LoginWithPassword("anna", "guess").status().code(),
              absl::StatusCode::kUnauthenticated);
    clock_.Advance(absl::Seconds(8));
  }
  // ... and the sixth (failed_logins_before_lockout) locks for 15 minutes.
  EXPECT_EQ(
      accounts_->LoginWithPassword("anna", "anna-secret-1").status().code(),
      absl::StatusCode::kResourceExhausted);
  clock_.Advance(absl::Minutes(14));
  EXPECT_EQ(
      accounts_->LoginWithPassword("anna", "anna-secret-1").status().code(),
      absl::StatusCode::kResourceExhausted);
  clock_.Advance(absl::Minutes(1));
  EXPECT_TRUE(accounts_->LoginWithPassword("anna", "anna-secret-1").ok());
  // Success resets the counter.
  EXPECT_EQ(accounts_->LoginWithPassword("anna", "guess").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(accounts_->LoginWithPassword("anna", "anna-secret-1").ok());
}

// Guesses arriving all at once: each is counted before its password is
// checked, so no more are checked than the delay allows (the clock stands
// still), and after them even the right password waits.
TEST_F(AccountsTest, ParallelGuessesAreCountedBeforeTheyAreChecked) {
  MakeUser("anna", store::kParticipant, "anna-secret-1");
  // Enough room in the hashing queue that nobody is told "busy".
  accounts_ = std::make_unique<access::Accounts>(
      *store_, clock_, config_.accounts(),
      access::HashGate::Limits{
          .running = 2, .waiting = 64, .max_wait = absl::Seconds(60)});
  std::vector<absl::StatusCode> codes(40);
  std::vector<std::thread> guessers;
  for (size_t i = 0; i < codes.size(); ++i) {
    guessers.emplace_back([&, i] {
      codes[i] =
          accounts_->LoginWithPassword("anna", "guess-" + std::to_string(i))
              .status()
              .code();
    });
  }
  for (auto& t : guessers) t.join();
  int checked = 0, refused = 0;
  for (absl::StatusCode c : codes) {
    checked += c == absl::StatusCode::kUnauthenticated;
    refused += c == absl::StatusCode::kResourceExhausted;
  }
  EXPECT_EQ(checked, 3);  // failed_logins_before_delay
  EXPECT_EQ(refused, 37);
  EXPECT_EQ(
      accounts_->LoginWithPassword("anna", "anna-secret-1").status().code(),
      absl::StatusCode::kResourceExhausted);
}

// An attacker cannot tell which logins exist: a name without an account
// gets the same answers, after the same number of failures, and its
// password is hashed as often as a real one's.
TEST_F(AccountsTest, UnknownLoginsAnswerLikeKnownOnes) {
  MakeUser("anna", store::kParticipant, "anna-secret-1");
  for (int i = 0; i < 7; ++i) {
    const int64_t before_known = accounts_->hashes_started();
    const absl::Status known =
        accounts_->LoginWithPassword("anna", "guess").status();
    const int64_t known_hashes = accounts_->hashes_started() - before_known;
    const absl::Status unknown =
        accounts_->LoginWithPassword("nobody", "guess").status();
    const int64_t unknown_hashes =
        accounts_->hashes_started() - before_known - known_hashes;
    EXPECT_EQ(known, unknown) << "attempt " << i + 1;
    EXPECT_EQ(known_hashes, unknown_hashes) << "attempt " << i + 1;
    clock_.Advance(absl::Seconds(300));  // past each delay, not the lockout
  }
  // Both are locked out by now, alike.
  const absl::Status known = accounts_->LoginWithPassword("anna", "x").status();
  EXPECT_EQ(known.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(known.message()), HasSubstr("too many failed"));
  EXPECT_EQ(known, accounts_->LoginWithPassword("nobody", "x").status());
}

TEST_F(AccountsTest, ParallelPinGuessesAreCountedBeforeTheyAreChecked) {
  MakeUser("anna", store::kParticipant);
  ASSERT_TRUE(accounts_->SetCard(staff_, "anna", "04:A3:2B:11", "4711").ok());
  accounts_ = std::make_unique<access::Accounts>(
      *store_, clock_, config_.accounts(),
      access::HashGate::Limits{
          .running = 2, .waiting = 64, .max_wait = absl::Seconds(60)});
  std::atomic<int> checked = 0;
  std::vector<std::thread> guessers;
  for (int i = 0; i < 30; ++i) {
    guessers.emplace_back([&, i] {
      checked +=
          accounts_->LoginWithCard("04:A3:2B:11", std::to_string(1000 + i))
              .status()
              .code() == absl::StatusCode::kUnauthenticated;
    });
  }
  for (auto& t : guessers) t.join();
  EXPECT_EQ(checked, 3);
  EXPECT_EQ(accounts_->LoginWithCard("04:A3:2B:11", "4711").status().code(),
            absl::StatusCode::kResourceExhausted);
}

// A stolen session is not enough to take an account over: changing one's
// own password needs the current one, staff included, and the change ends
// every other session.
TEST_F(AccountsTest, ChangingOnesPasswordNeedsTheCurrentOneAndEndsOthers) {
  auto mine = accounts_->LoginWithPassword("admin", admin_password_);
  auto stolen = accounts_->LoginWithPassword("admin", admin_password_);
  ASSERT_TRUE(mine.ok() && stolen.ok());
  auto me = accounts_->Authenticate(mine->token);
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(accounts_->SetPassword(*me, "", "", "taken-over-1").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(accounts_->SetPassword(*me, "admin", "wrong-pw", "taken-over-1")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(
      accounts_->SetPassword(*me, "", admin_password_, "new-admin-pw").ok());
  EXPECT_TRUE(accounts_->Authenticate(mine->token).ok());
  EXPECT_EQ(accounts_->Authenticate(stolen->token).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(accounts_->LoginWithPassword("admin", "new-admin-pw").ok());
  // Staff setting someone else's password ends all of that person's.
  MakeUser("anna", store::kParticipant, "anna-secret-1");
  auto anna = accounts_->LoginWithPassword("anna", "anna-secret-1");
  ASSERT_TRUE(anna.ok());
  ASSERT_TRUE(accounts_->SetPassword(*me, "anna", "", "anna-secret-2").ok());
  EXPECT_FALSE(accounts_->Authenticate(anna->token).ok());
}

TEST_F(AccountsTest, CardAndPinLogin) {
  MakeUser("anna", store::kParticipant);
  ASSERT_TRUE(accounts_->SetCard(staff_, "anna", "04:A3:2B:11", "4711").ok());
  EXPECT_TRUE(accounts_->LoginWithCard("04:A3:2B:11", "4711").ok());
  EXPECT_EQ(accounts_->LoginWithCard("04:A3:2B:11", "0000").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts_->SetCard(staff_, "anna", "04:A3", "12").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AccountsTest, DisabledUsersLoseTheirSessions) {
  MakeUser("anna", store::kParticipant, "anna-secret-1");
  auto login = accounts_->LoginWithPassword("anna", "anna-secret-1");
  ASSERT_TRUE(login.ok());
  access::UserUpdate up;
  up.login = "anna";
  up.disabled = true;
  up.reason = "left the club";
  ASSERT_TRUE(accounts_->UpdateUser(staff_, up).ok());
  EXPECT_FALSE(accounts_->Authenticate(login->token).ok());
  EXPECT_FALSE(accounts_->LoginWithPassword("anna", "anna-secret-1").ok());
}

TEST_F(AccountsTest, TrainersCreateParticipantsOnly) {
  access::Actor trainer = MakeUser("tina", store::kTrainer);
  access::NewUser p{"paula", "Paula", store::kParticipant,
                    store::UserGroup::kSchool, ""};
  auto made = accounts_->CreateUser(trainer, p);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->generated_password.size(), 16u);
  access::NewUser t{"theo", "Theo", store::kTrainer, store::UserGroup::kClub,
                    ""};
  EXPECT_EQ(accounts_->CreateUser(trainer, t).status().code(),
            absl::StatusCode::kPermissionDenied);
  access::Actor participant = ActorFor("paula");
  access::NewUser q{"quinn", "Q", store::kParticipant,
                    store::UserGroup::kSchool, ""};
  EXPECT_EQ(accounts_->CreateUser(participant, q).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AccountsTest, InvalidInputIsRefusedWithAReason) {
  access::NewUser bad{"A B", "", store::kParticipant,
                      store::UserGroup::kCitizen, ""};
  auto r = accounts_->CreateUser(staff_, bad);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("2-32 characters"));
  access::NewUser dup{"admin", "", store::kParticipant,
                      store::UserGroup::kCitizen, ""};
  EXPECT_EQ(accounts_->CreateUser(staff_, dup).status().code(),
            absl::StatusCode::kAlreadyExists);
  access::NewUser shortpw{"anna", "", store::kParticipant,
                          store::UserGroup::kCitizen, "short"};
  EXPECT_EQ(accounts_->CreateUser(staff_, shortpw).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AccountsTest, StaffCannotLockThemselvesOut) {
  access::UserUpdate up;
  up.login = "admin";
  up.disabled = true;
  EXPECT_EQ(accounts_->UpdateUser(staff_, up).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(AccountsTest, BootstrapHappensOnlyOnAnEmptyDatabase) {
  EXPECT_TRUE(accounts_->LoginWithPassword("admin", admin_password_).ok());
  auto again = accounts_->BootstrapFirstStaff();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

}  // namespace
}  // namespace werkbank::testing
