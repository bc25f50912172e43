// SPDX-License-Identifier: EUPL-1.2
// The attacking half of werkbank-bench attack; see attack_load.h.
#include "attack_load.h"

#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "bench.h"

namespace werkbank::bench {
namespace {

constexpr int kNobodies = 12;  // logins for names that do not exist at once

const char* StatusName(size_t code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  return code < 17 ? kNames[code] : "?";
}

long long N(const std::atomic<int64_t>& v) {
  return static_cast<long long>(v.load());
}

}  // namespace

void RunAttacks(const AttackPlan& plan, const std::atomic<bool>& stop,
                AttackCounts& counts, std::vector<double>& disabled_end_ms) {
  const std::string& address = plan.address;
  const std::string& cert = plan.cert_pem;
  std::vector<std::thread> attackers;
  attackers.emplace_back([&] {
    HoldStreams(address, cert, plan.crowd, plan.watchers, 8, stop, counts);
  });
  attackers.emplace_back([&] {
    UploadRawBytes(OwnChannel(address, cert), plan.raw, stop, counts);
  });
  for (int i = 0; i < kNobodies; ++i) {
    attackers.emplace_back(
        [&, i] { LogInAsNobody(OwnChannel(address, cert), i, stop, counts); });
  }
  for (int i = 0; i < 4; ++i) {
    attackers.emplace_back([&, i] {
      GuessPassword(OwnChannel(address, cert), "victim", i, stop, counts);
    });
    attackers.emplace_back([&, i] {
      GuessPin(OwnChannel(address, cert), "04a1b2c3", i, stop, counts);
    });
  }
  attackers.emplace_back([&] {
    WatchAsDisabled(OwnChannel(address, cert), plan.staff, plan.doomed, stop,
                    counts, disabled_end_ms);
  });
  attackers.emplace_back([&] {
    SendMalformedBodies(OwnChannel(address, cert), plan.crowd.at(0), 1, stop,
                        counts);
  });
  attackers.emplace_back([&] {
    const int idle = plan.idle_connections;
    HoldConnections(plan.port, idle - idle / 8, idle / 8, plan.sources, stop,
                    counts);
  });
  for (auto& t : attackers) t.join();
}

void PrintAttackVolume(const AttackCounts& counts,
                       const std::vector<double>& disabled_end_ms) {
  std::printf(
      "attack volume: held streams opened %lld (refused %lld, closed by the "
      "daemon %lld); raw-byte uploads %lld (job lists broken %lld); unknown "
      "logins %lld; password guesses %lld, PIN guesses %lld (checked %lld "
      "and %lld, the rest refused unchecked); "
      "busy answers %lld; accounts disabled while watching %lld (watches "
      "open past 1 s: %lld); malformed bodies %lld (INTERNAL or UNKNOWN: "
      "%lld); idle TCP connections %lld, stalled TLS handshakes %lld "
      "(dropped or refused by the daemon %lld, connects failed %lld)\n",
      N(counts.held_streams_opened), N(counts.held_streams_refused),
      N(counts.held_streams_closed), N(counts.raw_byte_uploads),
      N(counts.broken_job_lists), N(counts.unknown_logins),
      N(counts.password_guesses), N(counts.pin_guesses),
      N(counts.passwords_checked), N(counts.pins_checked),
      N(counts.busy_answers), N(counts.disabled_accounts),
      N(counts.streams_outliving_a_second), N(counts.malformed_bodies),
      N(counts.internal_answers), N(counts.idle_connections_opened),
      N(counts.tls_stalls_opened), N(counts.connections_dropped),
      N(counts.connections_refused));
  std::printf("attack: held streams ended with");
  for (size_t code = 0; code < counts.held_stream_ends.size(); ++code) {
    if (counts.held_stream_ends[code] > 0) {
      std::printf(" %s x%lld", StatusName(code),
                  N(counts.held_stream_ends[code]));
    }
  }
  std::printf("\n");
  PrintPercentiles("attack: a disabled account's watches ended after",
                   disabled_end_ms, "ms");
}

bool WritePlan(const AttackPlan& plan, const std::string& path) {
  std::ofstream out(path);
  out << "address " << plan.address << "\nport " << plan.port << "\nidle "
      << plan.idle_connections << "\nsources " << plan.sources << "\nstaff "
      << plan.staff << "\nraw " << plan.raw << "\n";
  for (const auto& t : plan.crowd) out << "crowd " << t << "\n";
  for (const auto& t : plan.watchers) out << "watcher " << t << "\n";
  for (const auto& [login, token] : plan.doomed) {
    out << "doomed " << login << " " << token << "\n";
  }
  out << "cert\n" << plan.cert_pem;
  return static_cast<bool>(out);
}

bool ReadPlan(const std::string& path, AttackPlan& plan) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key == "cert") {
      std::stringstream rest;
      rest << in.rdbuf();
      plan.cert_pem = rest.str();
      break;
    }
    std::string a, b;
    words >> a >> b;
    if (key == "address") plan.address = a;
    if (key == "port" && !absl::SimpleAtoi(a, &plan.port)) return false;
    if (key == "idle" && !absl::SimpleAtoi(a, &plan.idle_connections)) {
      return false;
    }
    if (key == "sources" && !absl::SimpleAtoi(a, &plan.sources)) return false;
    if (key == "staff") plan.staff = a;
    if (key == "raw") plan.raw = a;
    if (key == "crowd") plan.crowd.push_back(a);
    if (key == "watcher") plan.watchers.push_back(a);
    if (key == "doomed") plan.doomed.emplace_back(a, b);
  }
  return !plan.address.empty() && !plan.cert_pem.empty() && !plan.crowd.empty();
}

int AttackLoad(int argc, char** argv) {
  AttackPlan plan;
  if (argc < 1 || !ReadPlan(argv[0], plan)) {
    std::fprintf(stderr, "werkbank-bench attack-load: no readable plan\n");
    return 2;
  }
  // Before any thread starts: every thread inherits the priority, and
  // SIGTERM is taken by sigwait below, not by a thread at random.
  (void)setpriority(PRIO_PROCESS, 0, 19);
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, nullptr);
  std::atomic<bool> stop{false};
  AttackCounts counts;
  std::vector<double> disabled_end_ms;
  std::thread attacks([&] { RunAttacks(plan, stop, counts, disabled_end_ms); });
  int sig = 0;
  sigwait(&term, &sig);
  stop = true;
  attacks.join();
  PrintAttackVolume(counts, disabled_end_ms);
  std::fflush(stdout);
  return 0;
}

}  // namespace werkbank::bench
