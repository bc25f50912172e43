// SPDX-License-Identifier: EUPL-1.2
// werkbankd: the composition root. Reads the config, opens the state
// directory, wires storage, domain and API together, and serves until SIGINT
// or SIGTERM.
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "demo_config.h"
#include "file_util.h"
#include "log.h"
#include "machine_links.h"
#include "sd_notify.h"
#include "services/access/accounts.h"
#include "services/access/trainings.h"
#include "services/api/server.h"
#include "services/audit/audit_log.h"
#include "services/booking/booking_service.h"
#include "services/booking/opening_hours.h"
#include "services/config/config_loader.h"
#include "services/machines/job_service.h"
#include "services/machines/machine_manager.h"
#include "services/machines/program_upload.h"
#include "services/print_service/service_queue.h"
#include "services/privacy/anonymiser.h"
#include "services/reports/impact_report.h"
#include "services/reports/usage_report.h"
#include "services/store/backups.h"
#include "services/store/sqlite_store.h"
#include "services/store/write_queue.h"
#include "services/visits/visit_log.h"
#include "services/web/web_server.h"
#include "services/webhooks/webhooks.h"
#include "system_clock.h"
#ifdef WERKBANK_SHIFTED_CLOCK
#include "shifted_clock.h"
#endif
#include "tls_identity.h"

namespace werkbank::daemon {
namespace {

constexpr char kUsage[] =
    "usage: werkbankd [--config FILE] [--state-dir DIR] [--listen HOST:PORT]\n"
    "                 [--web-listen HOST:PORT] [--plaintext] [--check-config]\n"
    "\n"
    "  --config FILE     the lab's config (protobuf text format); without it\n"
    "                    the embedded demo lab is used\n"
    "  --state-dir DIR   database, TLS key and certificate (default\n"
    "                    /var/lib/werkbank)\n"
    "  --listen ADDR     overrides server.listen from the config; port 0 "
    "picks\n"
    "                    a free port\n"
    "  --web-listen ADDR overrides web.listen (the web app and HTTP API)\n"
    "  --plaintext       serve without TLS; allowed on a loopback address "
    "only\n"
    "  --check-config    print the parsed config with defaults and exit\n";

struct Flags {
  std::string config_path;
  std::string state_dir = "/var/lib/werkbank";
  std::string listen;
  std::string web_listen;
  bool plaintext = false;
  bool check_config = false;
};

void Log(const std::string& line) { Log(Level::kInfo, line); }
void Warn(const std::string& line) { Log(Level::kWarning, line); }
void Fail(const std::string& line) { Log(Level::kError, line); }

bool ParseFlags(int argc, char** argv, Flags& f) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    if (a == "--config") {
      if (!value(f.config_path)) return false;
    } else if (a == "--state-dir") {
      if (!value(f.state_dir)) return false;
    } else if (a == "--listen") {
      if (!value(f.listen)) return false;
    } else if (a == "--web-listen") {
      if (!value(f.web_listen)) return false;
    } else if (a == "--plaintext") {
      f.plaintext = true;
    } else if (a == "--check-config") {
      f.check_config = true;
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else {
      std::cerr << "werkbankd: unknown argument \"" << a << "\"\n" << kUsage;
      return false;
    }
  }
  return true;
}

// Run()'s answer when the process should replace itself to reload, and the
// address it served on, which the new image keeps (even if it was port 0).
constexpr int kReexec = 100;
std::string g_served_address;
std::string g_web_address;

// SIGHUP: the new config is checked first; an invalid one is logged and the
// old one stays. A valid one is applied by re-executing werkbankd, which
// keeps its pid, port, TLS identity and database — but only while no job
// runs, since every machine is made safe again on connect.
bool ReloadWanted(const Flags& flags, machines::MachineManager& machines) {
  if (flags.config_path.empty()) {
    Log("SIGHUP: the embedded demo config cannot change; nothing to reload");
    return false;
  }
  auto fresh = config::LoadConfigFile(flags.config_path);
  if (!fresh.ok()) {
    Log(absl::StrCat(
        "SIGHUP: the new config is not valid; keeping the old one:\n",
        fresh.status().message()));
    return false;
  }
  for (const auto& m : machines.Snapshots()) {
    if (m.state == machines::State::kRunning ||
        m.state == machines::State::kPaused) {
      Log(absl::StrCat(
          "SIGHUP: the new config is valid, but ", m.id,
          " is running a job; send SIGHUP again once the machines are idle"));
      return false;
    }
  }
  Log("SIGHUP: the new config is valid; reloading");
  return true;
}

int Run(int argc, char** argv) {
  // Signals are taken synchronously by the main loop; block them before any
  // thread starts so that every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Everything werkbankd writes (database, keys, passwords) is private.
  umask(0077);

  Flags flags;
  if (!ParseFlags(argc, argv, flags)) return 2;
  // The lock-order graph that absl keeps for every mutex costs each request
  // time; the unit tests, which run the same code without this switch, keep
  // checking the lock order.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  auto config = flags.config_path.empty()
                    ? config::ParseConfig(std::string(config::DemoConfigText()),
                                          "<embedded demo config>")
                    : config::LoadConfigFile(flags.config_path);
  if (!config.ok()) {
    std::cerr << "werkbankd: the config is not valid:\n"
              << config.status().message() << "\n";
    return 2;
  }
  if (flags.check_config) {
    std::cout << config::PrintConfig(*config);
    return 0;
  }
  const std::string listen =
      flags.listen.empty() ? config->server().listen() : flags.listen;

  if (auto s = MakePrivateDir(flags.state_dir); !s.ok()) {
    Fail(std::string(s.message()));
    return 1;
  }
  auto lock = LockStateDir(flags.state_dir + "/werkbankd.lock");
  if (!lock.ok()) {
    Fail(absl::StrCat(lock.status().message(), " (", flags.state_dir, ")"));
    return 1;
  }
  auto store = store::SqliteStore::Open(flags.state_dir + "/werkbank.db");
  if (!store.ok()) {
    Fail(std::string(store.status().message()));
    return 1;
  }
  auto hours = booking::OpeningHours::FromConfig(*config);
  if (!hours.ok()) {
    Fail(std::string(hours.status().message()));
    return 2;
  }

#ifdef WERKBANK_SHIFTED_CLOCK
  ShiftedClock clock(flags.state_dir);  // test builds only: shifted_clock.h
#else
  SystemClock clock;
#endif
  access::Accounts accounts(**store, clock, config->accounts());
  access::Trainings trainings(**store, clock, *config);
  booking::BookingService bookings(**store, clock, *config, *hours);

  // Invariant 4: jobs that were running when the daemon last stopped are
  // interrupted, and every machine is driven to its safe state on connect.
  machines::JobService jobs(**store, clock, *config, flags.state_dir + "/jobs");
  machines::RemoveUnfinishedUploads(flags.state_dir + "/jobs");
  auto interrupted = jobs.InterruptRunningJobs();
  if (!interrupted.ok()) {
    Log(absl::StrCat("cannot mark interrupted jobs: ",
                     interrupted.status().message()));
    return 1;
  }
  if (*interrupted > 0) {
    Log(absl::StrCat(
        *interrupted,
        " job(s) were running at the last stop; marked interrupted"));
  }
  // Events out: declared before the machines, so that it outlives them and
  // stores what they published last (a job interrupted by the stop).
  webhooks::Webhooks::Options webhook_options;
  webhook_options.report = [](const std::string& line) { Warn(line); };
  auto events_out =
      webhooks::Webhooks::Start(*config, **store, clock, webhook_options);
  if (!events_out.ok()) {
    Fail(std::string(events_out.status().message()));
    return 2;
  }
  if (config->webhooks_size() > 0) {
    Log(absl::StrCat("events go to ", config->webhooks_size(),
                     " webhook endpoint(s)"));
  }
  // What the machines record is queued, so a busy database never holds up
  // a stop; declared before the machines, it outlives them and writes what
  // they left.
  store::WriteQueue::Options record_options;
  record_options.report = [](const std::string& line) { Warn(line); };
  store::WriteQueue records(**store, record_options);
  MachineLinks links;
  machines::MachineManager machines(*config, **store, records, clock,
                                    links.Factory(),
                                    &machines::JobService::RecordOf);
  jobs.set_machines(&machines);
  machines.PublishEventsTo(events_out->get());
  if (auto s = machines.Start(); !s.ok()) {
    Log(absl::StrCat("cannot start machine control: ", s.message()));
    return 1;
  }

  auto first = accounts.BootstrapFirstStaff();
  if (!first.ok()) {
    Log(absl::StrCat("cannot create the first staff account: ",
                     first.status().message()));
    return 1;
  }
  if (first->has_value()) {
    const std::string path = flags.state_dir + "/initial-admin-password";
    if (auto s = WritePrivateFile(
            path, absl::StrCat("login: admin\npassword: ", **first, "\n"));
        !s.ok()) {
      Fail(std::string(s.message()));
      return 1;
    }
    Log(
        absl::StrCat("first start: created the staff account \"admin\"; its "
                     "one-time password is in ",
                     path, " (change it with `werkbank passwd`)"));
  }

  api::ServerOptions options;
  options.listen = listen;
  options.plaintext = flags.plaintext;
  options.max_connections = config->server().max_connections();
  options.max_connections_per_address =
      config->server().max_connections_per_address();
  options.handshake_timeout =
      absl::Seconds(config->server().handshake_timeout_seconds());
  std::string fingerprint;
  if (!flags.plaintext) {
    auto tls = LoadOrCreateTlsIdentity(flags.state_dir + "/tls");
    if (!tls.ok()) {
      Fail(std::string(tls.status().message()));
      return 1;
    }
    options.cert_pem = tls->cert_pem;
    options.key_pem = tls->key_pem;
    fingerprint = tls->fingerprint;
    if (tls->created) {
      Log(absl::StrCat("created a TLS key and self-signed certificate in ",
                       flags.state_dir, "/tls"));
    }
  }

  reports::UsageReports reports(**store, clock, *config);
  reports::ImpactReports impact(**store, clock, *config);
  visits::VisitLog visit_log(**store, clock, *config);
  privacy::Anonymiser anonymiser(**store, clock, *config,
                                 flags.state_dir + "/jobs");
  print_service::ServiceQueue service_queue(**store, clock, *config, jobs,
                                            machines);
  // Audit events from before schema 8 get their seal once, so that a person
  // named in them can be anonymised without breaking the chain.
  if (auto sealed = audit::SealLegacyEvents(**store, clock.Now());
      !sealed.ok()) {
    Log(absl::StrCat("cannot seal older audit events: ",
                     sealed.status().message()));
  } else if (*sealed > 0) {
    Log(absl::StrCat("sealed ", *sealed, " older audit events"));
  }
  api::StreamLimits streams(
      config->server().max_streams_per_user(), &accounts,
      config->server().max_streams_total(),
      absl::Seconds(config->server().upload_idle_seconds()));
  access::ApiKeys api_keys(**store, clock, config->accounts());
  api::Domain domain{*config,    clock,    **store,         accounts,
                     trainings,  bookings, machines,        jobs,
                     reports,    streams,  flags.state_dir, visit_log,
                     anonymiser, impact,   api_keys,        service_queue};
  auto server = api::ApiServer::Start(options, domain);
  if (!server.ok()) {
    Fail(std::string(server.status().message()));
    return 1;
  }
  std::string host = listen.substr(0, listen.rfind(':'));
  const std::string address = absl::StrCat(host, ":", (*server)->port());
  (void)WritePrivateFile(flags.state_dir + "/werkbankd.addr", address + "\n");

  // The web app and the HTTP API, forwarding to the server just started.
  std::unique_ptr<web::WebServer> web_server;
  std::string web_address;
  if (!config->web().disabled()) {
    web::WebOptions web;
    web.listen =
        flags.web_listen.empty() ? config->web().listen() : flags.web_listen;
    web.plaintext = flags.plaintext;
    web.cert_pem = options.cert_pem;
    web.key_pem = options.key_pem;
    web.app_dir = config->web().app_dir();
    web.max_connections = config->web().max_connections();
    web.max_streams = config->web().max_streams();
    web.max_request_bytes = config->web().max_request_bytes();
    web.max_upload_bytes = config->jobs().max_upload_bytes();
    web.header_timeout = absl::Seconds(config->web().header_timeout_seconds());
    web.idle_timeout = absl::Seconds(config->web().idle_timeout_seconds());
    web.upload_idle = absl::Seconds(config->server().upload_idle_seconds());
    web.now = [&clock] { return clock.Now(); };
    auto started = web::WebServer::Start(web, (*server)->InProcessChannel());
    if (!started.ok()) {
      Fail(std::string(started.status().message()));
      (*server)->Shutdown(absl::Seconds(1));
      machines.SafeStop("the daemon could not start");
      return 1;
    }
    web_server = std::move(*started);
    web_address = absl::StrCat(web.listen.substr(0, web.listen.rfind(':')), ":",
                               web_server->port());
    std::cout << "werkbankd: web app on "
              << (flags.plaintext ? "http" : "https") << "://" << web_address
              << "/" << std::endl;
  }
  std::cout << "werkbankd: serving " << config->lab_name() << " on " << address
            << (flags.plaintext
                    ? " (plaintext, loopback only)"
                    : absl::StrCat(" (TLS, certificate ", fingerprint, ")"))
            << std::endl;

  // Database migrated, machines in their safe state, port listening.
  Notify(absl::StrCat("READY=1\nSTATUS=serving on ", address));

  // Main loop: wait for a signal; feed the watchdog; every 30 s release
  // no-shows and close ended reservations.
  const std::optional<absl::Duration> watchdog = WatchdogInterval();
  const absl::Duration step =
      watchdog ? std::min(*watchdog, absl::Seconds(30)) : absl::Seconds(30);
  absl::Time next_sweep = absl::Now() + absl::Seconds(30);
  bool reload = false;
  // A daily backup, the first one right after start.
  absl::Time next_backup = absl::Now();
  while (true) {
    if (watchdog) Notify("WATCHDOG=1");
    if (absl::Now() >= next_backup) {
      next_backup = absl::Now() + absl::Hours(24);
      auto backup = store::DailyBackup(**store, flags.state_dir + "/backups",
                                       absl::Now(), config->backups().keep());
      if (!backup.ok())
        Log(absl::StrCat("daily backup failed: ", backup.status().message()));
      // Retention: accounts unused for privacy.inactive_months.
      auto retired = anonymiser.AnonymiseInactive();
      if (!retired.ok()) {
        Log(absl::StrCat("anonymising inactive accounts failed: ",
                         retired.status().message()));
      } else {
        for (int64_t id : *retired) machines.UserSessionsEnded(id);
        if (!retired->empty()) {
          Log(absl::StrCat("anonymised ", retired->size(),
                           " accounts inactive for ",
                           anonymiser.inactive_months(), " months"));
        }
      }
    }
    const timespec timeout = absl::ToTimespec(step);
    int sig = sigtimedwait(&signals, nullptr, &timeout);
    if (sig == SIGINT || sig == SIGTERM) {
      Log(absl::StrCat("received ", sig == SIGINT ? "SIGINT" : "SIGTERM",
                       "; shutting down"));
      break;
    }
    if (sig == SIGHUP) {
      if (ReloadWanted(flags, machines)) {
        reload = true;
        break;
      }
      continue;
    }
    if (absl::Now() < next_sweep) continue;
    next_sweep = absl::Now() + absl::Seconds(30);
    if (auto swept = bookings.Sweep(); !swept.ok()) {
      Warn(absl::StrCat("booking sweep failed: ", swept.status().message()));
    }
  }
  Notify(reload ? "RELOADING=1" : "STOPPING=1");
  if (web_server) web_server->Shutdown();
  (*server)->Shutdown(absl::Seconds(5));
  if (!reload) {
    // Invariant 8: a stopped daemon leaves no machine running or heating.
    // (The SIGHUP re-exec keeps the links: it waited for idle machines.)
    machines.SafeStop("the daemon is stopping");
    Log("every machine is in its safe state (heaters and laser off)");
  }
  Log(reload ? "restarting with the new config" : "stopped");
  g_served_address = address;
  g_web_address = web_address;
  return reload ? kReexec : 0;
}

}  // namespace
}  // namespace werkbank::daemon

int main(int argc, char** argv) {
  // Large blocks (a password hash's 16 MiB above all) are mapped for each
  // use and returned when freed. glibc otherwise raises this threshold
  // after the first such block and keeps the memory of later ones in each
  // thread's arena, so that logins on many request threads leave the
  // daemon hundreds of MB larger for good.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  const int code = werkbank::daemon::Run(argc, argv);
  if (code == werkbank::daemon::kReexec) {
    // Every descriptor is close-on-exec; the state-directory lock goes with
    // them, and the new image takes it again, on the same address.
    std::vector<std::string> args(argv, argv + argc);
    auto listen = std::find(args.begin(), args.end(), "--listen");
    if (listen != args.end() && listen + 1 != args.end()) {
      *(listen + 1) = werkbank::daemon::g_served_address;
    }
    auto web_listen = std::find(args.begin(), args.end(), "--web-listen");
    if (web_listen != args.end() && web_listen + 1 != args.end() &&
        !werkbank::daemon::g_web_address.empty()) {
      *(web_listen + 1) = werkbank::daemon::g_web_address;
    }
    std::vector<char*> cargs;
    for (auto& a : args) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    ::execv("/proc/self/exe", cargs.data());
    std::cerr << "werkbankd: cannot restart itself: " << std::strerror(errno)
              << "\n";
    return 1;
  }
  return code;
}
