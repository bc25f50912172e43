// SPDX-License-Identifier: EUPL-1.2
// The attacks of issue 11 as werkbank-bench attack runs them: each a loop
// at full speed on its own thread until `stop` is set, counting what it sent
// and what the daemon answered. Every attack talks to 127.0.0.1 only; the
// idle connections come from other loopback addresses.
#ifndef WERKBANK_TESTS_BENCH_ATTACKS_H_
#define WERKBANK_TESTS_BENCH_ATTACKS_H_

#include <grpcpp/channel.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace werkbank::bench {

struct AttackCounts {
  std::atomic<int64_t> held_streams_opened{0};   // finding 1
  std::atomic<int64_t> held_streams_refused{0};  // beyond the limits
  std::atomic<int64_t> held_streams_closed{0};   // closed by the daemon
  // How the daemon ended held streams, by gRPC status code.
  std::array<std::atomic<int64_t>, 17> held_stream_ends{};
  std::atomic<int64_t> raw_byte_uploads{0};  // finding 2
  std::atomic<int64_t> broken_job_lists{0};  // must stay 0
  std::atomic<int64_t> unknown_logins{0};    // finding 3
  std::atomic<int64_t> busy_answers{0};      // logins: UNAVAILABLE, try again
  std::atomic<int64_t> password_guesses{0};  // finding 4
  std::atomic<int64_t> pin_guesses{0};
  // Guesses the daemon checked (answered "wrong"); the rest were refused
  // unchecked by the delay and lockout: at most the policy's lockout count.
  std::atomic<int64_t> passwords_checked{0};
  std::atomic<int64_t> pins_checked{0};
  std::atomic<int64_t> disabled_accounts{0};           // finding 5
  std::atomic<int64_t> streams_outliving_a_second{0};  // must stay 0
  std::atomic<int64_t> malformed_bodies{0};            // finding 8
  std::atomic<int64_t> internal_answers{0};            // must stay 0
  std::atomic<int64_t> idle_connections_opened{0};     // finding 9
  std::atomic<int64_t> tls_stalls_opened{0};
  std::atomic<int64_t> connections_dropped{0};  // closed by the daemon
  std::atomic<int64_t> connections_refused{0};  // connect() failed
};

// A TLS channel to the daemon with a connection of its own (gRPC shares
// one between channels with the same arguments otherwise).
std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address,
                                          const std::string& cert_pem);

// Finding 1: each of `uploaders` holds `per_account` uploads that sent only
// their header, each of `watchers` as many lab watches that are never read;
// they are opened again as the daemon closes or refuses them.
void HoldStreams(const std::string& address, const std::string& cert_pem,
                 const std::vector<std::string>& uploaders,
                 const std::vector<std::string>& watchers, int per_account,
                 const std::atomic<bool>& stop, AttackCounts& counts);

// Finding 2: uploads "G1 X1 \xe9" and lists the owner's jobs.
void UploadRawBytes(const std::shared_ptr<grpc::Channel>& ch,
                    const std::string& token, const std::atomic<bool>& stop,
                    AttackCounts& counts);

// Finding 3: logins for names that do not exist, one after another.
void LogInAsNobody(const std::shared_ptr<grpc::Channel>& ch, int seed,
                   const std::atomic<bool>& stop, AttackCounts& counts);

// Finding 4: wrong passwords for `login`, or wrong PINs for `card_uid`
// (never its PIN: the right one has more digits).
void GuessPassword(const std::shared_ptr<grpc::Channel>& ch,
                   const std::string& login, int seed,
                   const std::atomic<bool>& stop, AttackCounts& counts);
void GuessPin(const std::shared_ptr<grpc::Channel>& ch,
              const std::string& card_uid, int seed,
              const std::atomic<bool>& stop, AttackCounts& counts);

// Finding 5: each of `sessions` (a trainer's login and token, logged in
// before the attack, as logins are busy during it) opens lab watches, then
// staff disable the account; every watch must end within a second. Also
// the ends' times in ms.
void WatchAsDisabled(
    const std::shared_ptr<grpc::Channel>& ch, const std::string& staff_token,
    const std::vector<std::pair<std::string, std::string>>& sessions,
    const std::atomic<bool>& stop, AttackCounts& counts,
    std::vector<double>& end_ms);

// Finding 8: bytes that are no request, to every method.
void SendMalformedBodies(const std::shared_ptr<grpc::Channel>& ch,
                         const std::string& token, int seed,
                         const std::atomic<bool>& stop, AttackCounts& counts);

// Finding 9: `idle` TCP connections that send nothing and `stalled` ones
// that begin TLS and never finish, from `sources` other computers
// (127.0.0.2, 127.0.0.3, ...: all of 127/8 is loopback on Linux); reopened
// as the daemon drops or refuses them.
void HoldConnections(int port, int idle, int stalled, int sources,
                     const std::atomic<bool>& stop, AttackCounts& counts);

}  // namespace werkbank::bench

#endif  // WERKBANK_TESTS_BENCH_ATTACKS_H_
