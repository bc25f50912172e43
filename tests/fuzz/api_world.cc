// SPDX-License-Identifier: EUPL-1.2
// See api_world.h. Assembled as werkbankd's main() assembles it.
#include "api_world.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>

#include "demo_config.h"
#include "services/access/accounts.h"
#include "services/access/trainings.h"
#include "services/api/server.h"
#include "services/booking/booking_service.h"
#include "services/booking/opening_hours.h"
#include "services/config/config_loader.h"
#include "services/daemon/machine_links.h"
#include "services/daemon/system_clock.h"
#include "services/machines/job_service.h"
#include "services/machines/machine_manager.h"
#include "services/print_service/service_queue.h"
#include "services/privacy/anonymiser.h"
#include "services/reports/impact_report.h"
#include "services/reports/usage_report.h"
#include "services/store/sqlite_store.h"
#include "services/store/write_queue.h"
#include "services/visits/visit_log.h"
#include "werkbank/v1/accounts.grpc.pb.h"

namespace werkbank::fuzz {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "api world: %s\n", what.c_str());
  std::abort();
}

template <typename T>
T Must(absl::StatusOr<T> v, const char* what) {
  if (!v.ok())
    Die(std::string(what) + ": " + std::string(v.status().message()));
  return std::move(*v);
}

constexpr const char* kLogins[kCallers] = {"", "pia", "tom", "admin"};
constexpr const char* kPassword = "fuzz-password-1";

std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(30));
  return ctx;
}

}  // namespace

struct ApiWorld::Parts {
  std::string dir;
  v1::Config config;
  daemon::SystemClock clock;
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<booking::OpeningHours> hours;
  std::unique_ptr<access::Accounts> accounts;
  std::unique_ptr<access::Trainings> trainings;
  std::unique_ptr<booking::BookingService> bookings;
  std::unique_ptr<machines::JobService> jobs;
  std::unique_ptr<store::WriteQueue> records;
  daemon::MachineLinks links;
  std::unique_ptr<machines::MachineManager> machines;
  std::unique_ptr<reports::UsageReports> reports;
  std::unique_ptr<api::StreamLimits> streams;
  std::unique_ptr<visits::VisitLog> visits;
  std::unique_ptr<privacy::Anonymiser> anonymiser;
  std::unique_ptr<reports::ImpactReports> impact;
  std::unique_ptr<access::ApiKeys> api_keys;
  std::unique_ptr<print_service::ServiceQueue> service_queue;
  std::unique_ptr<api::Domain> domain;
  std::unique_ptr<api::ApiServer> server;
  ~Parts() {
    server.reset();  // no call runs into what follows
    machines.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

ApiWorld::ApiWorld() : parts_(std::make_unique<Parts>()) {
  Parts& p = *parts_;
  // A tmpfs when there is one: the store syncs every decision.
  std::string tmpl = std::filesystem::exists("/dev/shm")
                         ? "/dev/shm/werkbank-fuzz-XXXXXX"
                         : "/tmp/werkbank-fuzz-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) Die("no temporary directory");
  p.dir = tmpl;
  // A fuzz target's world lives until the process exits; its files go then.
  static std::string* removed_at_exit = new std::string(p.dir);
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(*removed_at_exit, ec);
  });
  const std::string_view demo = config::DemoConfigText();
  p.config = Must(
      config::ParseConfig(absl::string_view(demo.data(), demo.size()), "demo"),
      "demo config");
  // Inputs guess passwords all the time: no delay and no lockout, so that
  // the callers stay logged in and each input runs at full speed.
  p.config.mutable_accounts()->set_failed_logins_before_delay(1 << 30);
  p.config.mutable_accounts()->set_failed_logins_before_lockout(1 << 30);
  p.store = Must(store::SqliteStore::Open(p.dir + "/werkbank.db"), "store");
  p.hours = std::make_unique<booking::OpeningHours>(
      Must(booking::OpeningHours::FromConfig(p.config), "opening hours"));
  p.accounts = std::make_unique<access::Accounts>(*p.store, p.clock,
                                                  p.config.accounts());
  p.trainings =
      std::make_unique<access::Trainings>(*p.store, p.clock, p.config);
  p.bookings = std::make_unique<booking::BookingService>(*p.store, p.clock,
                                                         p.config, *p.hours);
  p.jobs = std::make_unique<machines::JobService>(*p.store, p.clock, p.config,
                                                  p.dir + "/jobs");
  p.records = std::make_unique<store::WriteQueue>(*p.store,
                                                  store::WriteQueue::Options());
  p.machines = std::make_unique<machines::MachineManager>(
      p.config, *p.store, *p.records, p.clock, p.links.Factory(),
      &machines::JobService::RecordOf);
  p.jobs->set_machines(p.machines.get());
  if (auto s = p.machines->Start(); !s.ok())
    Die(std::string("machines: ") + std::string(s.message()));
  auto first = Must(p.accounts->BootstrapFirstStaff(), "first staff");
  if (!first) Die("the store was not empty");
  staff_password_ = *first;
  p.reports =
      std::make_unique<reports::UsageReports>(*p.store, p.clock, p.config);
  p.streams = std::make_unique<api::StreamLimits>(
      p.config.server().max_streams_per_user(), p.accounts.get(),
      p.config.server().max_streams_total(),
      absl::Seconds(p.config.server().upload_idle_seconds()));
  p.visits = std::make_unique<visits::VisitLog>(*p.store, p.clock, p.config);
  p.anonymiser = std::make_unique<privacy::Anonymiser>(
      *p.store, p.clock, p.config, p.dir + "/jobs");
  p.impact =
      std::make_unique<reports::ImpactReports>(*p.store, p.clock, p.config);
  p.api_keys =
      std::make_unique<access::ApiKeys>(*p.store, p.clock, p.config.accounts());
  p.service_queue = std::make_unique<print_service::ServiceQueue>(
      *p.store, p.clock, p.config, *p.jobs, *p.machines);
  p.domain = std::make_unique<api::Domain>(api::Domain{
      p.config, p.clock, *p.store, *p.accounts, *p.trainings, *p.bookings,
      *p.machines, *p.jobs, *p.reports, *p.streams, p.dir, *p.visits,
      *p.anonymiser, *p.impact, *p.api_keys, *p.service_queue});
  api::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.plaintext = true;
  p.server = Must(api::ApiServer::Start(options, *p.domain), "server");
  channel_ =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(p.server->port()),
                          grpc::InsecureChannelCredentials());
  RestoreCallers();
  if (token(Caller::kStaff).empty() || token(Caller::kTrainer).empty() ||
      token(Caller::kParticipant).empty()) {
    Die("the callers cannot log in");
  }
}

ApiWorld::~ApiWorld() = default;

void ApiWorld::RestoreCallers() {
  auto stub = v1::Accounts::NewStub(channel_);
  auto login = [&](const std::string& name, const std::string& password) {
    v1::LoginRequest req;
    req.mutable_password()->set_login(name);
    req.mutable_password()->set_password(password);
    v1::LoginResponse out;
    auto ctx = As("");
    return stub->Login(ctx.get(), req, &out).ok() ? out.token() : std::string();
  };
  auto valid = [&](const std::string& token) {
    if (token.empty()) return false;
    v1::User me;
    auto ctx = As(token);
    return stub->WhoAmI(ctx.get(), v1::WhoAmIRequest(), &me).ok();
  };
  std::string& staff = tokens_[static_cast<size_t>(Caller::kStaff)];
  if (!valid(staff)) {
    // Staff's password is the first one, or the one set below once.
    staff = login("admin", staff_password_);
    if (staff.empty())
      return;  // changed by an input: staff calls go on
               // unauthenticated
  }
  for (Caller c : {Caller::kParticipant, Caller::kTrainer}) {
    std::string& token = tokens_[static_cast<size_t>(c)];
    if (valid(token)) continue;
    const std::string name = kLogins[static_cast<size_t>(c)];
    const v1::Role role =
        c == Caller::kTrainer ? v1::ROLE_TRAINER : v1::ROLE_PARTICIPANT;
    {
      v1::CreateUserRequest create;
      create.set_login(name);
      create.set_password(kPassword);
      create.add_roles(role);
      v1::CreateUserResponse created;
      auto ctx = As(staff);
      (void)stub->CreateUser(ctx.get(), create, &created);
    }
    {
      v1::UpdateUserRequest update;
      update.set_login(name);
      update.set_disabled(false);
      update.set_set_roles(true);
      update.add_roles(role);
      v1::User out;
      auto ctx = As(staff);
      (void)stub->UpdateUser(ctx.get(), update, &out);
    }
    {
      v1::SetPasswordRequest set;
      set.set_login(name);
      set.set_new_password(kPassword);
      v1::SetPasswordResponse out;
      auto ctx = As(staff);
      (void)stub->SetPassword(ctx.get(), set, &out);
    }
    token = login(name, kPassword);
  }
}

}  // namespace werkbank::fuzz
