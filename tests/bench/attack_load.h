// SPDX-License-Identifier: EUPL-1.2
// The attacking half of werkbank-bench attack. The attackers stand for other
// computers on the lab's network, so by default they run in a process of
// their own at the lowest priority (nice 19): on this two-core machine they
// then take from the daemon only the CPU it leaves over, as another
// computer's load would take none, while the measuring clients (staff's
// stops, the honest bookings) keep the bench's normal priority.
#ifndef WERKBANK_TESTS_BENCH_ATTACK_LOAD_H_
#define WERKBANK_TESTS_BENCH_ATTACK_LOAD_H_

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "attacks.h"

namespace werkbank::bench {

// Who attacks, and where.
struct AttackPlan {
  std::string address;   // host:port of the daemon
  std::string cert_pem;  // its certificate
  int port = 0;
  int idle_connections = 0;  // idle and stalled TLS connections together
  int sources = 4;           // other addresses they come from
  std::string staff;         // staff's token: disables the doomed
  std::string raw;           // uploads raw bytes
  std::vector<std::string> crowd, watchers;
  std::vector<std::pair<std::string, std::string>> doomed;  // login, token
};

// Runs every attack on threads of the calling process until `stop`.
void RunAttacks(const AttackPlan& plan, const std::atomic<bool>& stop,
                AttackCounts& counts, std::vector<double>& disabled_end_ms);
// The attack's volume and what the daemon answered.
void PrintAttackVolume(const AttackCounts& counts,
                       const std::vector<double>& disabled_end_ms);

// The plan as a file, and back. WritePlan returns false when it cannot.
bool WritePlan(const AttackPlan& plan, const std::string& path);
bool ReadPlan(const std::string& path, AttackPlan& plan);

// werkbank-bench attack-load PLAN_FILE: lowers its own priority to nice 19,
// runs the plan's attacks until SIGTERM, then prints their volume.
int AttackLoad(int argc, char** argv);

}  // namespace werkbank::bench

#endif  // WERKBANK_TESTS_BENCH_ATTACK_LOAD_H_
