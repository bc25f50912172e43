// SPDX-License-Identifier: EUPL-1.2
// The front door of the gRPC port: it accepts TCP connections itself and
// bounds how many are open, in total and per client address, before gRPC
// spends memory on them.
//
// Why a front of our own: Debian 12's gRPC (1.51) cannot limit incoming
// connections, and every connection it holds costs memory from its first
// byte, also one that never finishes its TLS handshake. Once a socket is
// handed to gRPC nobody learns when gRPC closes it, so the gate keeps the
// client's socket and hands gRPC one end of a socketpair instead, relaying
// the bytes between them on one epoll thread with small buffers. That way
// it sees every close (and frees the place) and can close a connection
// itself to make room.
//
// The policy: a new connection from an address that already holds its
// share (max_per_address) is refused at once, so a flood from one address
// can never fill the port. When the total is reached (a flood from many
// addresses), the newcomer takes the place of the oldest connection that
// the server has not answered for a second (one that never finished its
// TLS hello: a flood's, never a working client's), else it is refused. A
// working connection is never pushed out: evicting "the address holding
// the most" would let a flood from many addresses, each holding one,
// push out the staff at the one address that holds two. A refused
// connection is reset at accept and never reaches gRPC.
//
// Thread-safe: Start and Stop from one thread; counts() from any.
#ifndef WERKBANK_SERVICES_API_CONNECTION_GATE_H_
#define WERKBANK_SERVICES_API_CONNECTION_GATE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace werkbank::api {

// What to do with a new connection; a pure function of the counts so that
// the rule is tested on its own.
enum class Admission {
  kAdmit,
  kAdmitEvictingUnproven,  // the oldest connection the server never answered
  kRefuse
};
struct ConnectionLimits {
  int max_total = 256;
  int max_per_address = 32;
};
// `open`: connections open now; `mine`: those of the newcomer's address;
// `stale_unproven`: whether a connection the server has not answered for a
// second is open.
Admission Admit(const ConnectionLimits& limits, int open, int mine,
                bool stale_unproven);

class ConnectionGate {
 public:
  // Binds `listen` (host:port; port 0 picks a free one) and listens.
  // UNAVAILABLE when it cannot bind.
  static absl::StatusOr<std::unique_ptr<ConnectionGate>> Listen(
      const std::string& listen, ConnectionLimits limits);
  ~ConnectionGate();  // Stop()

  int port() const { return port_; }

  // Starts accepting. `hand` receives the server's end of each admitted
  // connection and owns it from then on (it is gRPC's external acceptor).
  void Start(std::function<void(int fd)> hand);
  // Stops accepting new connections; open ones keep being relayed.
  void StopAccepting();
  // Closes every connection and ends the thread.
  void Stop();

  struct Counts {
    int64_t open = 0;
    int64_t admitted = 0;
    int64_t refused = 0;
    int64_t evicted = 0;
  };
  Counts counts() const;

 private:
  struct Conn;
  struct Side;
  ConnectionGate() = default;
  void Run();
  void AcceptAll();
  void Admit(int fd, const std::string& address);
  void OnEvent(Side* side, uint32_t events);
  void Pump(Conn* c);
  // `reset`: an RST to the client (refused, evicted, gone) instead of a FIN.
  void Close(Conn* c, bool reset = false);
  Conn* StaleUnproven();
  void FreeDead();
  void Watch(Side* side, uint32_t want);

  ConnectionLimits limits_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: a command from Stop/StopAccepting
  int port_ = 0;
  std::function<void(int)> hand_;
  std::thread thread_;
  std::atomic<bool> stop_accepting_{false};
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> open_{0}, admitted_{0}, refused_{0}, evicted_{0};
  struct State;
  std::unique_ptr<State> state_;  // owned by the gate's thread
};

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_CONNECTION_GATE_H_
