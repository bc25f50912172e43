// SPDX-License-Identifier: EUPL-1.2
// werkbank-bench booking [CLIENTS] [SECONDS] [KEEP_PERCENT]: concurrent gRPC
// clients over TLS (each its own connection and login, one request at a time,
// all driven from one completion queue) create reservations at random on 8
// machines over the next year and cancel those they do not keep (by default
// nine in ten, so that the calendar stays small and the run measures the
// decisions rather than the calendar's size; KEEP_PERCENT 50 keeps every
// second one). Prints operations per second, latency
// percentiles and the daemon's CPU, then checks that no two reservations
// overlap and that every acknowledged booking is stored. The same run
// measures the raw SQLite commit rate of this disk (WAL, synchronous=FULL,
// one writer) as the ceiling.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench.h"
#include "bench_lab.h"
#include "temp_dir.h"
#include "werkbank/v1/bookings.grpc.pb.h"
#include "werkbank/v1/trainings.grpc.pb.h"

namespace werkbank::bench {
namespace {

double SqliteCeiling(const std::string& dir) {
  SQLite::Database db(dir + "/ceiling.db",
                      SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  SQLite::Statement insert(db, "INSERT INTO t (v) VALUES ('reservation')");
  const absl::Time end = absl::Now() + absl::Seconds(3);
  int commits = 0;
  const absl::Time start = absl::Now();
  while (absl::Now() < end) {
    db.exec("BEGIN IMMEDIATE");
    insert.reset();
    insert.exec();
    db.exec("COMMIT");
    ++commits;
  }
  return commits / absl::ToDoubleSeconds(absl::Now() - start);
}

}  // namespace

int BookingBench(int argc, char** argv) {
  const std::optional<int> clients_arg =
      IntArg(argc, argv, 0, "CLIENTS", 1, 1000, 32);
  const std::optional<int> seconds_arg =
      IntArg(argc, argv, 1, "SECONDS", 1, 3600, 10);
  const std::optional<int> keep_arg =
      IntArg(argc, argv, 2, "KEEP_PERCENT", 0, 100, 10);
  if (!clients_arg || !seconds_arg || !keep_arg) return 2;
  const int clients = *clients_arg, seconds = *seconds_arg,
            keep_percent = *keep_arg;
  PrintMachine();
  testing::TempDir dir;
  const double ceiling = SqliteCeiling(dir.path());
  std::printf(
      "sqlite ceiling: %.0f commits/s (WAL, synchronous=FULL, one writer)\n",
      ceiling);
  auto lab =
      BenchLab::Start({.printers = 8,
                       .simulated = false,
                       .booking = "slot_minutes: 30 max_length_minutes: 120 "
                                  "max_future_bookings: 1000 horizon_days: 366 "
                                  "cancel_deadline_minutes: 1"});
  if (!lab) return 1;
  testing::Daemon* daemon = &lab->daemon();
  auto ch = lab->channel();
  const std::string admin = lab->staff_token();
  v1::RecordBriefingRequest brief;
  brief.set_machine_class("fdm");
  std::vector<std::string> logins, passwords;
  for (int i = 0; i < clients; ++i) {
    logins.push_back(absl::StrCat("bench", i));
    passwords.push_back(
        testing::CreateUser(ch, admin, logins.back(), {"participant"}));
    brief.add_participant_logins(logins.back());
  }
  v1::Briefing b;
  auto bctx = testing::Authed(admin);
  v1::Trainings::NewStub(ch)->RecordBriefing(bctx.get(), brief, &b);

  // The clients: each its own TLS connection and login, one request in
  // flight at a time, all driven from one completion queue so that the
  // measuring side takes as little of the two cores as it can.
  struct Client {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<v1::Bookings::Stub> stub;
    std::string token;
    std::mt19937 rng;
    bool cancelling = false;
    std::vector<int64_t> kept;  // this client's bookings, for its quota
    std::unique_ptr<grpc::ClientContext> ctx;
    v1::CreateReservationRequest create;
    v1::CreateReservationResponse created;
    v1::CancelReservationRequest cancel;
    v1::Reservation cancelled;
    grpc::Status status;
    std::unique_ptr<
        grpc::ClientAsyncResponseReader<v1::CreateReservationResponse>>
        create_call;
    std::unique_ptr<grpc::ClientAsyncResponseReader<v1::Reservation>>
        cancel_call;
    absl::Time sent, slot;
  };
  const absl::Time base = absl::FromUnixSeconds(
      (absl::ToUnixSeconds(absl::Now()) / 1800 + 4) * 1800);
  grpc::CompletionQueue cq;
  auto send_create = [&](Client& c) {
    c.cancelling = false;
    c.create.set_machine_id(absl::StrCat("p", 1 + c.rng() % 8));
    // Any half hour of the next 360 days: a year of a lab's calendar.
    c.slot =
        base + absl::Minutes(30) * static_cast<int64_t>(c.rng() % (360 * 48));
    *c.create.mutable_time()->mutable_start() = testing::Ts(c.slot);
    *c.create.mutable_time()->mutable_end() =
        testing::Ts(c.slot + absl::Minutes(30) * (1 + c.rng() % 2));
    c.ctx = testing::Authed(c.token);
    c.sent = absl::Now();
    c.create_call = c.stub->AsyncCreateReservation(c.ctx.get(), c.create, &cq);
    c.create_call->Finish(&c.created, &c.status, &c);
  };
  auto send_cancel = [&](Client& c, int64_t id) {
    c.cancelling = true;
    c.cancel.set_id(id);
    c.ctx = testing::Authed(c.token);
    c.cancel_call = c.stub->AsyncCancelReservation(c.ctx.get(), c.cancel, &cq);
    c.cancel_call->Finish(&c.cancelled, &c.status, &c);
  };
  std::vector<std::unique_ptr<Client>> all;
  for (int i = 0; i < clients; ++i) {
    auto c = std::make_unique<Client>();
    c->channel = daemon->Channel();
    c->stub = v1::Bookings::NewStub(c->channel);
    c->token = testing::Login(c->channel, logins[i], passwords[i]);
    c->rng.seed(static_cast<unsigned>(i) * 7919u + 1);
    all.push_back(std::move(c));
  }

  std::vector<double> create_ms;
  std::map<int64_t, std::pair<std::string, absl::Time>>
      kept;  // acknowledged, not cancelled
  int64_t created = 0, conflicts = 0, cancelled = 0, errors = 0, quota_full = 0;
  const double cpu_before = CpuSeconds(daemon->pid());
  const absl::Time stop_at = absl::Now() + absl::Seconds(seconds);
  for (auto& c : all) send_create(*c);
  int in_flight = clients;
  void* tag;
  bool ok;
  while (in_flight > 0 && cq.Next(&tag, &ok)) {
    Client& c = *static_cast<Client*>(tag);
    if (!c.cancelling) {
      create_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - c.sent));
      if (c.status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
        ++conflicts;
      } else if (c.status.error_code() ==
                     grpc::StatusCode::RESOURCE_EXHAUSTED &&
                 !c.kept.empty() && absl::Now() < stop_at) {
        // The person's quota is full: they give up one of their bookings.
        ++quota_full;
        const int64_t id = c.kept.back();
        c.kept.pop_back();
        kept.erase(id);
        send_cancel(c, id);
        continue;
      } else if (!c.status.ok()) {
        ++errors;
      } else {
        ++created;
        const int64_t id = c.created.reservations(0).id();
        if (static_cast<int>(c.rng() % 100) >= keep_percent &&
            absl::Now() < stop_at) {
          send_cancel(c, id);
          continue;
        }
        kept[id] = {c.create.machine_id(), c.slot};
        c.kept.push_back(id);
      }
    } else if (c.status.ok()) {
      ++cancelled;
    }
    if (absl::Now() < stop_at) {
      send_create(c);
    } else {
      --in_flight;
    }
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  const double server_cpu = CpuSeconds(daemon->pid()) - cpu_before;
  std::printf(
      "booking: %d clients over TLS for %d s, keeping %d%%: %.0f successful "
      "creates/s, %.0f cancels/s, %lld refused as taken, %lld at quota, %lld "
      "errors\n",
      clients, seconds, keep_percent, static_cast<double>(created) / seconds,
      static_cast<double>(cancelled) / seconds,
      static_cast<long long>(conflicts), static_cast<long long>(quota_full),
      static_cast<long long>(errors));
  // Every answer is a durable decision with its audit event: a booking, a
  // cancellation, or a refusal because the slot was taken.
  const double decisions =
      static_cast<double>(created + conflicts + cancelled) / seconds;
  std::printf(
      "booking: %.0f durable decisions/s (each audited) = %.0f%% of the "
      "ceiling; successful creates = %.0f%%\n",
      decisions, 100 * decisions / ceiling,
      100 * static_cast<double>(created) / seconds / ceiling);
  PrintPercentiles("booking: create latency", create_ms, "ms");
  const double requests =
      static_cast<double>(create_ms.size()) + static_cast<double>(cancelled);
  std::printf(
      "booking: werkbankd used %.1f of %d cores, %.0f us CPU per create or "
      "cancel request\n",
      server_cpu / seconds,
      static_cast<int>(std::thread::hardware_concurrency()),
      server_cpu * 1e6 / std::max(1.0, requests));

  // Every acknowledged booking is stored, and no two overlap (listed one
  // machine at a time to keep each answer small).
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> by_machine;
  std::map<int64_t, bool> present;
  int stored_count = 0;
  for (int m = 1; m <= 8; ++m) {
    v1::ListReservationsRequest list;
    list.set_all_users(true);
    list.set_machine_id(absl::StrCat("p", m));
    v1::ListReservationsResponse stored;
    auto lctx = testing::Authed(admin);
    grpc::Status listed =
        v1::Bookings::NewStub(ch)->ListReservations(lctx.get(), list, &stored);
    if (!listed.ok()) {
      std::printf("booking: cannot list the reservations: %s\n",
                  listed.error_message().c_str());
      return 1;
    }
    for (const auto& r : stored.reservations()) {
      by_machine[r.machine_id()].push_back(
          {r.time().start().seconds(), r.time().end().seconds()});
      present[r.id()] = true;
      ++stored_count;
    }
  }
  int overlaps = 0;
  for (auto& [m, spans] : by_machine) {
    std::sort(spans.begin(), spans.end());
    for (size_t k = 1; k < spans.size(); ++k)
      overlaps += spans[k].first < spans[k - 1].second;
  }
  int lost = 0;
  for (const auto& [id, _] : kept) lost += present.contains(id) ? 0 : 1;
  std::printf(
      "booking: %d reservations stored, %d overlaps, %d acknowledged bookings "
      "missing\n",
      stored_count, overlaps, lost);
  daemon->Stop();
  return overlaps == 0 && lost == 0 ? 0 : 1;
}

}  // namespace werkbank::bench
