// SPDX-License-Identifier: EUPL-1.2
// werkbank-bench attack [SECONDS] [IDLE_CONNECTIONS] [in-process]: issue
// 11's proof. Eight werkbank-sim printers stream jobs (staff unlock them and
// start the next job as each ends) and eight honest participants book and
// cancel, while
// attacking accounts and connections run every finding at full speed: held
// uploads and unread lab watches (1), uploads with bytes that are not UTF-8
// (2), logins for names that do not exist (3), password and PIN guesses in
// parallel (4), watches of accounts that staff disable (5), bodies that are
// no request (8), and idle TCP connections and TLS handshakes that never
// finish (9), these from other addresses. The attackers run in a process of
// their own at nice 19 (attack_load.h says why), or on threads of this one
// with "in-process". Staff watch the lab and stop a ninth printer every half
// second.
// Prints the stop's latency and refusals, the honest calls' latency and
// refusals, the daemon's peak RSS and threads, and the attack's volume.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "attack_load.h"
#include "attacks.h"
#include "bench.h"
#include "bench_lab.h"
#include "werkbank/v1/accounts.grpc.pb.h"
#include "werkbank/v1/bookings.grpc.pb.h"
#include "werkbank/v1/jobs.grpc.pb.h"
#include "werkbank/v1/machines.grpc.pb.h"
#include "werkbank/v1/monitor.grpc.pb.h"
#include "werkbank/v1/trainings.grpc.pb.h"

namespace werkbank::bench {
namespace {

constexpr int kPrinters = 8;
constexpr int kHonest = 8;
constexpr int kCrowd = 8;     // participants holding uploads
constexpr int kWatchers = 1;  // a trainer's account holding lab watches
// The idle connections come from this many other computers. Together with
// the bench's own clients they hold fewer than the port's limit
// (max_connections below): the first second of a flood from many more
// addresses, while none of theirs is old enough to give way, refuses
// newcomers (connection_limit_e2e_test shows a full port).
constexpr int kSources = 2;

// About 10 s of printing on a simulator that takes 2 ms a line.
std::string Job() {
  std::string p = "G28\nG1 Z0.2 F600\n";
  for (int i = 0; i < 5000; ++i) {
    absl::StrAppend(&p, "G1 X", 20 + i % 200, " Y", 20 + (i / 200) % 170,
                    " F6000\n");
  }
  return p;
}

struct Printing {
  std::atomic<int64_t> started{0};
  std::atomic<int64_t> failures{0};  // a start or unlock staff could not do
};

// Staff keep the eight printers busy: a locked one is unlocked, an idle
// one given its next job.
void KeepPrinting(BenchLab& lab, const std::atomic<bool>& stop,
                  Printing& printing) {
  auto machines = v1::Machines::NewStub(lab.channel());
  auto jobs = v1::Jobs::NewStub(lab.channel());
  const std::string program = Job();
  const std::string& staff = lab.staff_token();
  while (!stop) {
    v1::ListMachinesResponse list;
    auto lctx = testing::Authed(staff);
    if (!machines->ListMachines(lctx.get(), {}, &list).ok()) {
      printing.failures++;
      absl::SleepFor(absl::Milliseconds(200));
      continue;
    }
    for (const v1::Machine& m : list.machines()) {
      if (stop) break;
      if (m.id() == absl::StrCat("p", kPrinters + 1)) continue;
      auto ctx = testing::Authed(staff);
      v1::Machine out;
      if (m.state() == v1::MACHINE_STATE_FAULT) {
        v1::AcknowledgeFaultRequest ack;
        ack.set_id(m.id());
        ack.set_note("bench");
        if (!machines->AcknowledgeFault(ctx.get(), ack, &out).ok())
          printing.failures++;
      } else if (m.state() == v1::MACHINE_STATE_LOCKED) {
        v1::UnlockRequest unlock;
        unlock.set_id(m.id());
        if (!machines->Unlock(ctx.get(), unlock, &out).ok())
          printing.failures++;
      } else if (m.state() == v1::MACHINE_STATE_UNLOCKED) {
        v1::Job job;
        auto writer = jobs->UploadJob(ctx.get(), &job);
        v1::UploadJobRequest part;
        part.mutable_header()->set_machine_id(m.id());
        part.mutable_header()->set_file_name("part.gcode");
        writer->Write(part);
        part.set_chunk(program);
        writer->Write(part);
        writer->WritesDone();
        if (!writer->Finish().ok()) {
          printing.failures++;
          continue;
        }
        v1::StartJobRequest start;
        start.set_id(job.id());
        v1::Job started;
        auto sctx = testing::Authed(staff);
        if (jobs->StartJob(sctx.get(), start, &started).ok()) {
          printing.started++;
        } else {
          printing.failures++;
        }
      }
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

struct Samples {
  std::mutex mu;
  std::vector<double> ms;
  int64_t refused = 0;
  std::string first_refusal;
  void Add(double v, bool ok) {
    std::lock_guard<std::mutex> lock(mu);
    ms.push_back(v);
    if (!ok) ++refused;
  }
};

// Staff watch the lab (reading every snapshot) and stop the ninth printer
// every half second. (A stop halts Marlin until someone resets it, so the
// eight that print are left printing; a stop is answered whatever the
// printer's state.)
void StopPrinters(BenchLab& lab, const std::atomic<bool>& stop, Samples& stops,
                  Samples& lists) {
  auto ch = OwnChannel(lab.daemon().address(), lab.daemon().cert_pem());
  auto machines = v1::Machines::NewStub(ch);
  auto watch_ctx = testing::Authed(lab.staff_token());
  watch_ctx->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::hours(1));
  v1::WatchLabRequest req;
  req.set_min_interval_ms(250);
  auto watch = v1::Monitor::NewStub(ch)->WatchLab(watch_ctx.get(), req);
  std::thread reader([&] {
    v1::LabSnapshot snapshot;
    while (watch->Read(&snapshot)) {
    }
  });
  const std::string target = absl::StrCat("p", kPrinters + 1);
  while (!stop) {
    absl::SleepFor(absl::Milliseconds(500));
    v1::EmergencyStopRequest e;
    e.set_id(target);
    e.set_reason("bench: staff stop");
    v1::Machine out;
    auto ctx = testing::Authed(lab.staff_token());
    const absl::Time t0 = absl::Now();
    const grpc::Status s = machines->EmergencyStop(ctx.get(), e, &out);
    stops.Add(absl::ToDoubleMilliseconds(absl::Now() - t0), s.ok());
    if (!s.ok() && stops.first_refusal.empty())
      stops.first_refusal = s.error_message();
    // The same way in, without a record to write: what the stop's own
    // record adds shows as the difference.
    v1::ListMachinesResponse list;
    auto lctx = testing::Authed(lab.staff_token());
    const absl::Time t1 = absl::Now();
    const grpc::Status l = machines->ListMachines(lctx.get(), {}, &list);
    lists.Add(absl::ToDoubleMilliseconds(absl::Now() - t1), l.ok());
  }
  watch_ctx->TryCancel();
  reader.join();
  (void)watch->Finish();
}

// An honest participant books a half hour at random over the next year and
// cancels it, with a tenth of a second between calls. A slot already taken
// is an answer; anything else that is not OK is a refusal.
void BookHonestly(const std::shared_ptr<grpc::Channel>& ch,
                  const std::string& token, int seed,
                  const std::atomic<bool>& stop, Samples& calls) {
  auto bookings = v1::Bookings::NewStub(ch);
  std::mt19937 rng(static_cast<unsigned>(seed));
  const absl::Time base = absl::FromUnixSeconds(
      (absl::ToUnixSeconds(absl::Now()) / 1800 + 4) * 1800);
  while (!stop) {
    v1::CreateReservationRequest create;
    create.set_machine_id(absl::StrCat("p", 1 + rng() % kPrinters));
    const absl::Time slot =
        base + absl::Minutes(30) * static_cast<int64_t>(rng() % (360 * 48));
    *create.mutable_time()->mutable_start() = testing::Ts(slot);
    *create.mutable_time()->mutable_end() =
        testing::Ts(slot + absl::Minutes(30));
    v1::CreateReservationResponse created;
    auto ctx = testing::Authed(token);
    absl::Time t0 = absl::Now();
    grpc::Status s = bookings->CreateReservation(ctx.get(), create, &created);
    calls.Add(absl::ToDoubleMilliseconds(absl::Now() - t0),
              s.ok() || s.error_code() == grpc::StatusCode::ALREADY_EXISTS);
    if (s.ok() && created.reservations_size() > 0) {
      v1::CancelReservationRequest cancel;
      cancel.set_id(created.reservations(0).id());
      v1::Reservation cancelled;
      auto cctx = testing::Authed(token);
      t0 = absl::Now();
      s = bookings->CancelReservation(cctx.get(), cancel, &cancelled);
      calls.Add(absl::ToDoubleMilliseconds(absl::Now() - t0), s.ok());
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

void RaiseOpenFileLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

int AttackBench(int argc, char** argv) {
  const std::optional<int> seconds_arg =
      IntArg(argc, argv, 0, "SECONDS", 5, 3600, 40);
  const std::optional<int> idle_arg =
      IntArg(argc, argv, 1, "IDLE_CONNECTIONS", 0, 15000, 2000);
  if (!seconds_arg || !idle_arg) return 2;
  const int seconds = *seconds_arg, idle = *idle_arg;
  const bool in_process = argc > 2 && std::string(argv[2]) == "in-process";
  // The idle connections need file descriptors on both ends; the daemon
  // inherits the limit as systemd's LimitNOFILE would set it.
  RaiseOpenFileLimit();
  PrintMachine();
  auto lab =
      BenchLab::Start({.printers = kPrinters + 1,
                       .marlin_line_us = 2000,
                       .booking = "slot_minutes: 30 max_length_minutes: 120 "
                                  "max_future_bookings: 1000 horizon_days: 366 "
                                  "cancel_deadline_minutes: 1",
                       // Every gRPC client of the bench, honest or not,
                       // comes from 127.0.0.1, like a classroom behind
                       // one router: some 120 connections, as the held
                       // streams each have their own.
                       .extra_config = "jobs { max_pending_jobs_per_user: 1000 "
                                       "staff_unlock_minutes: 600 }\n"
                                       "server { max_connections: 640 "
                                       "max_connections_per_address: 192 }\n"});
  if (!lab) return 1;
  const auto& ch = lab->channel();
  const std::string& staff = lab->staff_token();
  const std::string address = lab->daemon().address();
  const std::string cert = lab->daemon().cert_pem();

  // The people: honest participants (briefed), the crowd, the uploader of
  // raw bytes, the one whose password and PIN are guessed.
  v1::RecordBriefingRequest brief;
  brief.set_machine_class("fdm");
  std::vector<std::string> honest, crowd, watchers;
  for (int i = 0; i < kHonest; ++i) {
    const std::string login = absl::StrCat("honest-", i);
    const std::string password =
        testing::CreateUser(ch, staff, login, {"participant"});
    honest.push_back(testing::Login(ch, login, password));
    brief.add_participant_logins(login);
  }
  for (int i = 0; i < kCrowd; ++i) {
    const std::string login = absl::StrCat("crowd-", i);
    crowd.push_back(testing::Login(
        ch, login, testing::CreateUser(ch, staff, login, {"participant"})));
    brief.add_participant_logins(login);
  }
  for (int i = 0; i < kWatchers; ++i) {
    const std::string login = absl::StrCat("watcher-", i);
    watchers.push_back(testing::Login(
        ch, login, testing::CreateUser(ch, staff, login, {"trainer"})));
  }
  // Trainers whom staff will disable while they watch, one every ~0.3 s.
  std::vector<std::pair<std::string, std::string>> doomed;
  for (int i = 0; i < 4 * seconds; ++i) {
    const std::string login = absl::StrCat("doomed-", i);
    doomed.push_back(
        {login,
         testing::Login(ch, login,
                        testing::CreateUser(ch, staff, login, {"trainer"}))});
  }
  const std::string raw = testing::Login(
      ch, "raw", testing::CreateUser(ch, staff, "raw", {"participant"}));
  brief.add_participant_logins("raw");
  {
    v1::Briefing b;
    auto ctx = testing::Authed(staff);
    (void)v1::Trainings::NewStub(ch)->RecordBriefing(ctx.get(), brief, &b);
    (void)testing::CreateUser(ch, staff, "victim", {"participant"});
    v1::SetPasswordRequest pw;
    pw.set_login("victim");
    pw.set_new_password("the-victims-password");
    v1::SetPasswordResponse pw_out;
    auto pctx = testing::Authed(staff);
    (void)v1::Accounts::NewStub(ch)->SetPassword(pctx.get(), pw, &pw_out);
    v1::SetCardRequest card;
    card.set_login("victim");
    card.set_card_uid("04a1b2c3");
    card.set_pin("73914826");
    v1::SetCardResponse card_out;
    auto cctx = testing::Authed(staff);
    (void)v1::Accounts::NewStub(ch)->SetCard(cctx.get(), card, &card_out);
  }

  const pid_t pid = lab->pid();
  std::atomic<bool> stop{false}, attack_stop{false};
  Printing printing;
  std::vector<std::thread> threads;
  threads.emplace_back([&] { KeepPrinting(*lab, stop, printing); });
  // Let the printers start before the attack begins.
  for (int i = 0; i < 100 && printing.started < kPrinters; ++i)
    absl::SleepFor(absl::Milliseconds(100));
  std::printf(
      "attack: %d printers streaming (%lld jobs started), werkbankd %lld MB "
      "and %lld threads before the attack\n",
      kPrinters, static_cast<long long>(printing.started.load()),
      static_cast<long long>(StatusField(pid, "VmRSS") / 1024),
      static_cast<long long>(StatusField(pid, "Threads")));

  AttackPlan plan{.address = address,
                  .cert_pem = cert,
                  .port = lab->daemon().port(),
                  .idle_connections = idle,
                  .sources = kSources,
                  .staff = staff,
                  .raw = raw,
                  .crowd = crowd,
                  .watchers = watchers,
                  .doomed = doomed};
  AttackCounts counts;
  std::vector<double> disabled_end_ms;
  std::thread in_process_attacks;
  std::unique_ptr<testing::Background> attack_load;
  const std::string load_out = lab->dir().path() + "/attack-load.out";
  if (in_process) {
    in_process_attacks = std::thread(
        [&] { RunAttacks(plan, attack_stop, counts, disabled_end_ms); });
  } else {
    const std::string plan_path = lab->dir().path() + "/attack.plan";
    char self[4096] = "";
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || !WritePlan(plan, plan_path)) {
      std::fprintf(stderr, "attack: cannot start the attacking process\n");
      return 1;
    }
    attack_load = std::make_unique<testing::Background>(
        std::vector<std::string>{std::string(self, static_cast<size_t>(n)),
                                 "attack-load", plan_path},
        load_out, lab->dir().path() + "/attack-load.err");
  }
  std::printf("attack: the attackers run %s\n",
              in_process ? "on threads of this process"
                         : "in a process of their own at nice 19");

  // Under attack: staff stop printers, honest people book, and the daemon's
  // size is sampled.
  ResetPeakKb(pid);
  const double cpu0 = CpuSeconds(pid);
  Samples stops, lists, calls;
  std::atomic<bool> measure_stop{false};
  std::vector<std::thread> measured;
  measured.emplace_back(
      [&] { StopPrinters(*lab, measure_stop, stops, lists); });
  for (int i = 0; i < kHonest; ++i) {
    measured.emplace_back([&, i] {
      BookHonestly(OwnChannel(address, cert), honest[static_cast<size_t>(i)], i,
                   measure_stop, calls);
    });
  }
  int64_t peak_threads = 0, peak_rss_kb = 0;
  const absl::Time end = absl::Now() + absl::Seconds(seconds);
  while (absl::Now() < end) {
    absl::SleepFor(absl::Milliseconds(100));
    peak_threads = std::max(peak_threads, StatusField(pid, "Threads"));
    peak_rss_kb = std::max(peak_rss_kb, StatusField(pid, "VmHWM"));
  }
  measure_stop = true;
  for (auto& t : measured) t.join();
  {
    v1::ListMachinesResponse list;
    auto ctx = testing::Authed(staff);
    (void)v1::Machines::NewStub(ch)->ListMachines(ctx.get(), {}, &list);
    std::printf("attack: printers at the end:");
    for (const v1::Machine& m : list.machines()) {
      std::printf(" %s %s", m.id().c_str(),
                  v1::MachineState_Name(m.state()).c_str());
    }
    std::printf("\n");
  }
  const double cpu = CpuSeconds(pid) - cpu0;
  attack_stop = true;
  if (in_process_attacks.joinable()) in_process_attacks.join();
  if (attack_load) (void)attack_load->Stop(SIGTERM, 120);
  stop = true;
  for (auto& t : threads) t.join();

  std::printf("attack: %d s under attack; werkbankd used %.2f of %u cores\n",
              seconds, cpu / seconds, std::thread::hardware_concurrency());
  PrintPercentiles("attack: staff emergency stop", stops.ms, "ms");
  std::printf("attack: emergency stops refused: %lld of %zu %s\n",
              static_cast<long long>(stops.refused), stops.ms.size(),
              stops.first_refusal.c_str());
  PrintPercentiles("attack: staff machine list (after each stop)", lists.ms,
                   "ms");
  PrintPercentiles("attack: honest booking calls", calls.ms, "ms");
  std::printf("attack: honest calls refused: %lld of %zu\n",
              static_cast<long long>(calls.refused), calls.ms.size());
  std::printf(
      "attack: werkbankd peak RSS %.1f MB, peak threads %lld; printer jobs "
      "started %lld (%lld starts or unlocks refused)\n",
      static_cast<double>(peak_rss_kb) / 1024,
      static_cast<long long>(peak_threads),
      static_cast<long long>(printing.started.load()),
      static_cast<long long>(printing.failures.load()));
  if (in_process) {
    PrintAttackVolume(counts, disabled_end_ms);
  } else {
    std::printf("%s", testing::ReadFileOrEmpty(load_out).c_str());
  }
  lab->daemon().Stop();
  return 0;
}

}  // namespace werkbank::bench
