// SPDX-License-Identifier: EUPL-1.2
// Webhooks without a network: the signature against OpenSSL's HMAC, the
// backoff on a fake clock, the payload, and the outbox (real SQLite, a fake
// HTTP client): in order, retried only when the backoff says so, kept across
// a restart, bounded.
#include "services/webhooks/webhooks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "fake_clock.h"
#include "services/config/config_loader.h"
#include "services/store/sqlite_store.h"
#include "services/webhooks/payload.h"
#include "services/webhooks/retry_policy.h"
#include "services/webhooks/signature.h"
#include "temp_dir.h"

namespace werkbank::webhooks {
namespace {

using ::testing::ElementsAre;
using testing::FakeClock;
using ::testing::HasSubstr;
using testing::TempDir;

std::string OpenSslHmacHex(const std::string& key, const std::string& text) {
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

TEST(WebhookSignature, IsHmacSha256OfTimestampDotBody) {
  EXPECT_EQ(SignatureHeader("0123456789abcdef", 1700000000, "{\"id\":1}"),
            "sha256=4bcaced68dfea90a68df035b89cb7fb26692d899d32a1ccb1b0616cf48"
            "e4d1ed");
  const std::string body = "{\"id\":7,\"event\":\"job.finished\"}";
  EXPECT_EQ(SignatureHeader("another key, longer", 1765000000, body),
            "sha256=" + OpenSslHmacHex("another key, longer",
                                       absl::StrCat("1765000000.", body)));
  // Another timestamp is another signature: an old one cannot be replayed
  // with a fresh timestamp.
  EXPECT_NE(SignatureHeader("k", 1, body), SignatureHeader("k", 2, body));
}

TEST(WebhookRetry, BacksOffExponentiallyUpToTheCapAndGivesUpAfterADay) {
  RetryPolicy policy;
  EXPECT_EQ(policy.Delay(1), absl::Seconds(1));
  EXPECT_EQ(policy.Delay(2), absl::Seconds(2));
  EXPECT_EQ(policy.Delay(3), absl::Seconds(4));
  EXPECT_EQ(policy.Delay(10), absl::Seconds(512));
  EXPECT_EQ(policy.Delay(11), absl::Minutes(10));
  EXPECT_EQ(policy.Delay(500), absl::Minutes(10));
  FakeClock clock(absl::FromUnixSeconds(1765000000));
  const absl::Time created = clock.Now();
  EXPECT_EQ(policy.NextAttempt(3, clock.Now()), created + absl::Seconds(4));
  clock.Advance(absl::Hours(23));
  EXPECT_FALSE(policy.GivesUp(created, clock.Now()));
  clock.Advance(absl::Hours(1));
  EXPECT_TRUE(policy.GivesUp(created, clock.Now()));
}

TEST(WebhookPayload, NamesTheEventTimeLabMachineAndJobFirst) {
  events::Event e;
  e.kind = v1::WebhookConfig::JOB_FAILED;
  e.time = absl::FromUnixSeconds(1765101600);  // 2025-12-07T10:00:00Z
  e.machine = "laser-1";
  e.job = 17;
  e.numbers = {{"lines_done", 40}};
  e.text = {{"reason", "ALARM:1 \"hard limit\"\n"}};
  const std::string body = PayloadBody(e, "Lab \"Süd\"");
  EXPECT_EQ(body,
            "{\"event\":\"job.failed\",\"time\":\"2025-12-07T10:00:00Z\","
            "\"lab\":\"Lab \\\"Süd\\\"\",\"machine\":\"laser-1\",\"job\":17,"
            "\"lines_done\":40,\"reason\":\"ALARM:1 \\\"hard limit\\\"\\n\"}");
  EXPECT_TRUE(
      absl::StartsWith(WithId(5, body), "{\"id\":5,\"event\":\"job.failed\","));
}

// Answers from a script: each Post() takes the next status (the last one
// repeats); records every body.
class ScriptedPoster : public HttpPoster {
 public:
  struct Shared {
    absl::Mutex mu;
    std::vector<int> script ABSL_GUARDED_BY(mu);
    std::vector<std::string> bodies ABSL_GUARDED_BY(mu);
    std::vector<std::string> delivered ABSL_GUARDED_BY(mu);
  };
  explicit ScriptedPoster(Shared& shared) : shared_(shared) {}
  absl::StatusOr<int> Post(const config::WebhookUrl&, const Headers& headers,
                           const std::string& body) override {
    absl::MutexLock lock(&shared_.mu);
    shared_.bodies.push_back(body);
    int status = shared_.script.front();
    if (shared_.script.size() > 1) shared_.script.erase(shared_.script.begin());
    if (status == 0) return absl::UnavailableError("connection refused");
    if (status < 300) {
      for (const auto& [name, value] : headers) {
        if (name == "X-Werkbank-Event") shared_.delivered.push_back(value);
      }
    }
    return status;
  }

 private:
  Shared& shared_;
};

class WebhooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cfg = config::ParseConfig(R"(
lab_name: "Test lab"
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
webhooks { name: "door" url: "http://127.0.0.1:9/hook"
           secret: "0123456789abcdef" }
)",
                                   "test");
    ASSERT_TRUE(cfg.ok()) << cfg.status();
    config_ = *cfg;
    OpenStore();
  }

  void OpenStore() {
    webhooks_.reset();
    store_.reset();
    auto s = store::SqliteStore::Open(dir_.File("werkbank.db"));
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }

  void StartWebhooks(int64_t max_outbox = 10000) {
    Webhooks::Options options;
    options.max_outbox = max_outbox;
    options.poster = [this] {
      return std::make_unique<ScriptedPoster>(shared_);
    };
    options.report = [this](const std::string& line) {
      absl::MutexLock lock(&shared_.mu);
      reports_.push_back(line);
    };
    auto w = Webhooks::Start(config_, *store_, clock_, options);
    ASSERT_TRUE(w.ok()) << w.status();
    webhooks_ = std::move(*w);
  }

  void Script(std::vector<int> statuses) {
    absl::MutexLock lock(&shared_.mu);
    shared_.script = std::move(statuses);
  }

  size_t Posts() {
    absl::MutexLock lock(&shared_.mu);
    return shared_.bodies.size();
  }

  std::vector<std::string> Delivered() {
    absl::MutexLock lock(&shared_.mu);
    return shared_.delivered;
  }

  bool Eventually(const std::function<bool()>& pred) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      if (pred()) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return pred();
  }

  void Publish(v1::WebhookConfig::Event kind, const std::string& machine) {
    events::Event e;
    e.kind = kind;
    e.time = clock_.Now();
    e.machine = machine;
    webhooks_->Publish(std::move(e));
  }

  int64_t Waiting() {
    int64_t n = 0;
    EXPECT_TRUE(store_
                    ->Read([&](store::Transaction& tx) -> absl::Status {
                      auto all = tx.ListWebhookDeliveries("door", 100000);
                      if (!all.ok()) return all.status();
                      n = static_cast<int64_t>(all->size());
                      return absl::OkStatus();
                    })
                    .ok());
    return n;
  }

  std::string Newest() {
    std::string body;
    EXPECT_TRUE(store_
                    ->Read([&](store::Transaction& tx) -> absl::Status {
                      auto all = tx.ListWebhookDeliveries("door", 100000);
                      if (!all.ok()) return all.status();
                      if (!all->empty()) body = all->back().body;
                      return absl::OkStatus();
                    })
                    .ok());
    return body;
  }

  TempDir dir_;
  v1::Config config_;
  FakeClock clock_{absl::FromUnixSeconds(1765000000)};
  ScriptedPoster::Shared shared_;
  std::vector<std::string> reports_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<Webhooks> webhooks_;
};

TEST_F(WebhooksTest, RetriesOnlyWhenTheBackoffHasPassedAndKeepsTheOrder) {
  Script({0, 500, 200});
  StartWebhooks();
  Publish(v1::WebhookConfig::MACHINE_EMERGENCY_STOP, "laser-1");
  Publish(v1::WebhookConfig::MACHINE_FAULT, "laser-1");
  ASSERT_TRUE(Eventually([&] { return Posts() == 1; }));
  // The fake clock stands still: no second attempt, the second event waits
  // behind the first.
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(Posts(), 1u);
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(Eventually([&] { return Posts() == 2; }));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(Posts(), 2u);  // the next wait is 2 s
  clock_.Advance(absl::Seconds(2));
  ASSERT_TRUE(Eventually([&] { return Delivered().size() == 2; }));
  EXPECT_THAT(Delivered(),
              ElementsAre("machine.emergency_stop", "machine.fault"));
  EXPECT_TRUE(Eventually([&] { return Waiting() == 0; }));
  absl::MutexLock lock(&shared_.mu);
  EXPECT_THAT(reports_.front(), HasSubstr("connection refused"));
}

TEST_F(WebhooksTest, WhatWasNotDeliveredIsSentAfterARestart) {
  Script({0});
  StartWebhooks();
  Publish(v1::WebhookConfig::JOB_STARTED, "printer-1");
  Publish(v1::WebhookConfig::JOB_FINISHED, "printer-1");
  ASSERT_TRUE(Eventually([&] { return Posts() >= 1 && Waiting() == 2; }));
  OpenStore();  // the daemon stops and starts again
  EXPECT_EQ(Waiting(), 2);
  Script({200});
  StartWebhooks();
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(Eventually([&] { return Delivered().size() == 2; }));
  EXPECT_THAT(Delivered(), ElementsAre("job.started", "job.finished"));
}

TEST_F(WebhooksTest, ABoundedOutboxDropsTheOldestAndAuditsIt) {
  Script({0});
  StartWebhooks(/*max_outbox=*/3);
  for (int i = 0; i < 5; ++i) {
    Publish(v1::WebhookConfig::INTERLOCK_TRIPPED, absl::StrCat("m", i));
    // Stored (as the newest) before the next one comes.
    ASSERT_TRUE(Eventually([&] {
      return Waiting() == std::min(i + 1, 3) &&
             absl::StrContains(Newest(), absl::StrCat("\"m", i, "\""));
    }));
  }
  std::vector<std::string> machines;
  ASSERT_TRUE(store_
                  ->Read([&](store::Transaction& tx) -> absl::Status {
                    auto all = tx.ListWebhookDeliveries("door", 10);
                    for (const auto& d : *all) {
                      machines.push_back(
                          d.body.substr(d.body.find("\"machine\":\"") + 11, 2));
                    }
                    auto audit = tx.ListAudit(0, 100, "webhook/");
                    EXPECT_EQ(audit->size(), 2u);
                    if (audit->empty()) return absl::OkStatus();
                    EXPECT_EQ(audit->front().action, "webhook.dropped");
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_THAT(machines, ElementsAre("m2", "m3", "m4"));
}

TEST_F(WebhooksTest, AnEventOlderThanADayIsGivenUpAndAudited) {
  Script({500});
  StartWebhooks();
  Publish(v1::WebhookConfig::MACHINE_FAULT, "laser-1");
  ASSERT_TRUE(Eventually([&] { return Posts() == 1; }));
  clock_.Advance(absl::Hours(24) + absl::Seconds(1));
  ASSERT_TRUE(Eventually([&] { return Waiting() == 0; }));
  ASSERT_TRUE(store_
                  ->Read([&](store::Transaction& tx) -> absl::Status {
                    auto audit = tx.ListAudit(0, 100, "webhook/");
                    EXPECT_EQ(audit->size(), 1u);
                    if (audit->empty()) return absl::OkStatus();
                    EXPECT_EQ(audit->front().action, "webhook.gave_up");
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST(WebhookConfig, IsCheckedWithClearMessages) {
  const std::string base = R"(
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
)";
  auto bad = config::ParseConfig(base + R"(
webhooks { name: "Door!" url: "ftp://x" secret: "short" }
webhooks { name: "chat" url: "https://chat.example.org:99999/h"
           secret: "0123456789abcdef" secret_file: "/etc/x" }
webhooks { name: "ha" url: "http://ha.local/hook" secret_file: "/nonexistent/secret" }
webhooks { name: "d2" url: "http://x/" secret: "0123456789abcdef" reminder_minutes: 0 }
)",
                                 "lab.textproto");
  ASSERT_FALSE(bad.ok());
  const std::string m(bad.status().message());
  EXPECT_THAT(m, HasSubstr("lab.textproto:6:"));
  EXPECT_THAT(m, HasSubstr("webhooks[0].name: \"Door!\" is not a valid "
                           "webhook name"));
  EXPECT_THAT(m, HasSubstr("webhooks[0].url: \"ftp://x\" is not an http:// or "
                           "https:// URL"));
  EXPECT_THAT(m, HasSubstr("webhooks[0].secret: the secret has 5 characters; "
                           "use at least 16"));
  EXPECT_THAT(m, HasSubstr("webhooks[1].url: \"99999\" is not a port"));
  EXPECT_THAT(m, HasSubstr("webhooks[1].secret_file: give exactly one of "
                           "secret and secret_file"));
  EXPECT_THAT(m, HasSubstr("webhooks[2].secret_file: cannot read the secret "
                           "file /nonexistent/secret"));
  EXPECT_THAT(m, HasSubstr("webhooks[3].reminder_minutes"));

  auto wrong_event = config::ParseConfig(
      base +
          "webhooks { name: \"d\" url: \"http://x/\" secret: "
          "\"0123456789abcdef\" events: [JOB_DONE] }",
      "lab.textproto");
  ASSERT_FALSE(wrong_event.ok());
  EXPECT_THAT(wrong_event.status().message(),
              HasSubstr("a webhook's events are JOB_STARTED"));

  TempDir dir;
  std::ofstream(dir.File("secret")) << "a-long-enough-secret-from-a-file\n";
  auto good = config::ParseConfig(
      base +
          "webhooks { name: \"d\" url: \"https://[::1]:8443/h?x=1\" "
          "secret_file: \"" +
          dir.File("secret") + "\" }",
      "lab.textproto");
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->webhooks(0).reminder_minutes(), 15);
  auto secret = config::WebhookSecret(good->webhooks(0));
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(*secret, "a-long-enough-secret-from-a-file");
  auto url = config::ParseWebhookUrl(good->webhooks(0).url());
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, "8443");
  EXPECT_EQ(url->target, "/h?x=1");
}

}  // namespace
}  // namespace werkbank::webhooks
