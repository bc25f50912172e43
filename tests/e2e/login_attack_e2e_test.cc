// SPDX-License-Identifier: EUPL-1.2
// Logins under attack, against the real daemon: guesses sent all at once
// cannot pass the lockout, and a flood of logins for names that do not
// exist leaves the daemon's memory bounded and gets "busy" answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lab_fixture.h"
#include "memory_bound.h"
#include "werkbank/v1/accounts.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

constexpr char kLab[] = R"(
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
machines { id: "laser-1" machine_class: "laser" protocol: "grbl" port: "sim:grbl" }
accounts { failed_logins_before_delay: 5 failed_logins_before_lockout: 5 lockout_minutes: 15 }
)";

grpc::Status TryLogin(const std::shared_ptr<grpc::Channel>& ch,
                      const std::string& login, const std::string& password) {
  v1::LoginRequest req;
  req.mutable_password()->set_login(login);
  req.mutable_password()->set_password(password);
  v1::LoginResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return v1::Accounts::NewStub(ch)->Login(&ctx, req, &resp);
}

grpc::Status TryCard(const std::shared_ptr<grpc::Channel>& ch,
                     const std::string& uid, const std::string& pin) {
  v1::LoginRequest req;
  req.mutable_card()->set_card_uid(uid);
  req.mutable_card()->set_pin(pin);
  v1::LoginResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return v1::Accounts::NewStub(ch)->Login(&ctx, req, &resp);
}

// Runs `attempt(i)` for i in [0, n) on n threads at once; the answers.
std::vector<grpc::Status> AllAtOnce(
    int n, const std::function<grpc::Status(int)>& attempt) {
  std::vector<grpc::Status> answers(static_cast<size_t>(n));
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      answers[static_cast<size_t>(i)] = attempt(i);
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  return answers;
}

int Count(const std::vector<grpc::Status>& answers, grpc::StatusCode code) {
  int n = 0;
  for (const auto& a : answers) n += a.error_code() == code;
  return n;
}

// A value in kB from /proc/<pid>/status, e.g. "VmHWM" (the peak RSS).
int64_t ProcStatusKb(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    int64_t kb = 0;
    std::string digits;
    for (char c : line) {
      if (c >= '0' && c <= '9') digits.push_back(c);
    }
    if (absl::SimpleAtoi(digits, &kb)) return kb;
  }
  return -1;
}

class LoginAttackE2E : public LabE2E {};

// Keeps guessing wrong (one at a time, retrying "busy") until the lockout
// answers; returns how many guesses were checked on the way.
int GuessUntilLocked(const std::function<grpc::Status()>& guess) {
  int checked = 0;
  for (int i = 0; i < 50; ++i) {
    const grpc::Status s = guess();
    if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) break;
    checked += s.error_code() == grpc::StatusCode::UNAUTHENTICATED;
  }
  return checked;
}

TEST_F(LoginAttackE2E, ParallelGuessesCannotPassTheLockout) {
  StartDaemonAndLogIn({.config_text = kLab});
  const std::string password = CreateUser(ch_, admin_, "anna", {"participant"});
  const auto answers = AllAtOnce(41, [&](int i) {
    return TryLogin(ch_, "anna", absl::StrCat("guess-", i));
  });
  for (const auto& a : answers) {
    EXPECT_THAT(a.error_code(), AnyOf(grpc::StatusCode::UNAUTHENTICATED,
                                      grpc::StatusCode::RESOURCE_EXHAUSTED,
                                      grpc::StatusCode::UNAVAILABLE))
        << a.error_message();
  }
  int checked = Count(answers, grpc::StatusCode::UNAUTHENTICATED);
  checked += GuessUntilLocked([&] { return TryLogin(ch_, "anna", "wrong"); });
  EXPECT_LE(checked, 5) << "guesses checked past failed_logins_before_lockout";
  const grpc::Status right = TryLogin(ch_, "anna", password);
  EXPECT_EQ(right.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(right.error_message(), HasSubstr("too many failed logins"));
}

TEST_F(LoginAttackE2E, ParallelPinGuessesCannotPassTheLockout) {
  StartDaemonAndLogIn({.config_text = kLab});
  CreateUser(ch_, admin_, "anna", {"participant"});
  v1::SetCardRequest card;
  card.set_login("anna");
  card.set_card_uid("04:AA:BB");
  card.set_pin("90817");
  v1::SetCardResponse set;
  auto ctx = Authed(admin_);
  ASSERT_TRUE(v1::Accounts::NewStub(ch_)->SetCard(ctx.get(), card, &set).ok());
  const auto answers = AllAtOnce(
      100, [&](int i) { return TryCard(ch_, "04:AA:BB", std::to_string(i)); });
  int checked = Count(answers, grpc::StatusCode::UNAUTHENTICATED);
  checked += GuessUntilLocked([&] { return TryCard(ch_, "04:AA:BB", "1111"); });
  EXPECT_LE(checked, 5);
  EXPECT_EQ(TryCard(ch_, "04:AA:BB", "90817").error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

// 100 logins at once for names nobody has: each would hash with 16 MiB.
// The daemon's peak memory stays bounded, and who cannot be checked now is
// told so.
TEST_F(LoginAttackE2E, ALoginFloodLeavesMemoryBounded) {
  StartDaemonAndLogIn({.config_text = kLab});
  const int64_t before_kb = ProcStatusKb(daemon_->pid(), "VmRSS");
  const auto answers = AllAtOnce(100, [&](int i) {
    return TryLogin(ch_, absl::StrCat("ghost-", i), "some-password");
  });
  const int64_t peak_kb = ProcStatusKb(daemon_->pid(), "VmHWM");
  const int64_t after_kb = ProcStatusKb(daemon_->pid(), "VmRSS");
  std::cout << "daemon RSS before " << before_kb / 1024 << " MB, peak "
            << peak_kb / 1024 << " MB, after " << after_kb / 1024 << " MB; "
            << Count(answers, grpc::StatusCode::UNAUTHENTICATED) << " checked, "
            << Count(answers, grpc::StatusCode::UNAVAILABLE) << " told busy\n";
  EXPECT_LT(peak_kb, MemoryBoundKb(200 * 1024));
  for (const auto& a : answers) {
    ASSERT_THAT(a.error_code(), AnyOf(grpc::StatusCode::UNAUTHENTICATED,
                                      grpc::StatusCode::UNAVAILABLE))
        << a.error_message();
    if (a.error_code() == grpc::StatusCode::UNAVAILABLE) {
      EXPECT_THAT(a.error_message(), HasSubstr("busy"));
    }
  }
  // Staff still get in once the flood is over.
  EXPECT_TRUE(TryLogin(ch_, "admin", daemon_->admin_password()).ok());
}

}  // namespace
}  // namespace werkbank::testing
