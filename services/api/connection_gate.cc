// SPDX-License-Identifier: EUPL-1.2
// The gRPC port's accept front and relay; see connection_gate.h.
#include "connection_gate.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace werkbank::api {
namespace {

// A relay buffer per direction, only while bytes are in flight: an idle
// connection holds none. 16 KiB keeps a job upload near the speed of a
// direct connection.
constexpr size_t kChunk = 16 * 1024;
// A connection the server has not answered after this long (a LAN client
// finishes its TLS hello in milliseconds) may give its place to a newcomer
// when the port is full.
constexpr absl::Duration kProveTime = absl::Seconds(1);
// Connections accepted per wake-up, so that a flood of connects cannot keep
// the relay from the calls already running (an emergency stop among them).
constexpr int kAcceptBurst = 32;
// When the process is out of file descriptors, accepting pauses this long
// instead of spinning on a listener that stays readable.
constexpr absl::Duration kAcceptPause = absl::Milliseconds(100);

void Reset(int fd) {
  // An RST rather than a FIN: a refused or evicted flood leaves no
  // TIME_WAIT behind on the lab's side.
  linger l{1, 0};
  (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

std::string PeerAddress(const sockaddr_storage& ss) {
  char text[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof text);
    } else {
      // One IPv6 computer may use any address of its /64: that network
      // counts as one address.
      in6_addr net = in6->sin6_addr;
      std::memset(&net.s6_addr[8], 0, 8);
      inet_ntop(AF_INET6, &net, text, sizeof text);
      return std::string(text) + "/64";
    }
  }
  return text;
}

int TryBind(const sockaddr* addr, socklen_t len, bool dual_stack) {
  const int fd =
      socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1, zero = 0;
  (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (dual_stack) {
    (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  }
  if (bind(fd, addr, len) == 0 && ::listen(fd, SOMAXCONN) == 0) return fd;
  const int saved = errno;
  close(fd);
  errno = saved;
  return -1;
}

// Binds host:port. "0.0.0.0" and "[::]" take IPv4 and IPv6 both, as gRPC's
// own listener did.
absl::StatusOr<int> BindListener(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", listen, "\" is no host:port"));
  }
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host = host.substr(1, host.size() - 2);
  }
  int port_number = 0;
  if (!absl::SimpleAtoi(port, &port_number) || port_number < 0 ||
      port_number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", listen, "\" has no port number"));
  }
  if (host.empty() || host == "0.0.0.0" || host == "::") {
    sockaddr_in6 any6{};
    any6.sin6_family = AF_INET6;
    any6.sin6_addr = in6addr_any;
    any6.sin6_port = htons(static_cast<uint16_t>(port_number));
    int fd = TryBind(reinterpret_cast<sockaddr*>(&any6), sizeof any6, true);
    if (fd < 0 && host != "::") {  // no IPv6 on this host: IPv4 alone
      sockaddr_in any4{};
      any4.sin_family = AF_INET;
      any4.sin_addr.s_addr = htonl(INADDR_ANY);
      any4.sin_port = any6.sin6_port;
      fd = TryBind(reinterpret_cast<sockaddr*>(&any4), sizeof any4, false);
    }
    if (fd >= 0) return fd;
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen, ": ", strerror(errno)));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
      rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen, ": ", gai_strerror(rc)));
  }
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = TryBind(a->ai_addr, a->ai_addrlen, false);
    if (fd >= 0) {
      freeaddrinfo(found);
      return fd;
    }
    last_error = strerror(errno);
  }
  freeaddrinfo(found);
  return absl::UnavailableError(
      absl::StrCat("cannot listen on ", listen, ": ", last_error));
}

}  // namespace

Admission Admit(const ConnectionLimits& limits, int open, int mine,
                bool stale_unproven) {
  if (mine >= limits.max_per_address) return Admission::kRefuse;
  if (open < limits.max_total) return Admission::kAdmit;
  if (stale_unproven) return Admission::kAdmitEvictingUnproven;
  return Admission::kRefuse;
}

struct ConnectionGate::Side {
  Conn* conn = nullptr;
  int fd = -1;
  uint32_t watching = 0;
};

// Bytes read from one side that the other has not taken yet.
struct Pending {
  std::unique_ptr<char[]> buf;
  size_t off = 0, len = 0;
  bool eof = false;
};

struct ConnectionGate::Conn {
  Side client, inner;
  std::string address;
  Pending up;    // client -> gRPC
  Pending down;  // gRPC -> client
  absl::Time opened;
  bool proven = false;  // the server has answered (TLS: its hello)
  bool closed = false;
  uint64_t id = 0;
};

struct ConnectionGate::State {
  absl::flat_hash_map<uint64_t, std::unique_ptr<Conn>> conns;  // open ones
  uint64_t next_id = 1;
  absl::flat_hash_map<std::string, std::vector<Conn*>> by_address;
  // Closed ones, freed after the current batch of events (which may still
  // name them).
  std::vector<std::unique_ptr<Conn>> dead;
  // Connections by id in the order they opened; those proven or closed
  // since are dropped when the oldest unproven one is looked for.
  std::deque<uint64_t> unproven;
  absl::Time accept_paused_until = absl::InfinitePast();
  bool listening = false;
};

absl::StatusOr<std::unique_ptr<ConnectionGate>> ConnectionGate::Listen(
    const std::string& listen, ConnectionLimits limits) {
  auto fd = BindListener(listen);
  if (!fd.ok()) return fd.status();
  std::unique_ptr<ConnectionGate> gate(new ConnectionGate());
  gate->limits_ = limits;
  gate->listen_fd_ = *fd;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(*fd, reinterpret_cast<sockaddr*>(&ss), &len);
  gate->port_ = ntohs(ss.ss_family == AF_INET6
                          ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                          : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  gate->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  gate->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (gate->epoll_fd_ < 0 || gate->wake_fd_ < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen, ": ", strerror(errno)));
  }
  gate->state_ = std::make_unique<State>();
  return gate;
}

ConnectionGate::~ConnectionGate() {
  Stop();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void ConnectionGate::Start(std::function<void(int)> hand) {
  hand_ = std::move(hand);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &wake_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  ev.data.ptr = &listen_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  state_->listening = true;
  thread_ = std::thread([this] { Run(); });
}

void ConnectionGate::StopAccepting() {
  stop_accepting_ = true;
  const uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof one);
}

void ConnectionGate::Stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  StopAccepting();
  thread_.join();
}

ConnectionGate::Counts ConnectionGate::counts() const {
  return {open_.load(), admitted_.load(), refused_.load(), evicted_.load()};
}

void ConnectionGate::Run() {
  State& s = *state_;
  std::vector<epoll_event> events(256);
  while (!stop_) {
    const bool paused = s.accept_paused_until != absl::InfinitePast();
    if (paused && s.listening && absl::Now() >= s.accept_paused_until) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = &listen_fd_;
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
      s.accept_paused_until = absl::InfinitePast();
    }
    const int timeout_ms =
        s.accept_paused_until == absl::InfinitePast()
            ? -1
            : std::max(0, static_cast<int>(absl::ToInt64Milliseconds(
                              s.accept_paused_until - absl::Now())) +
                              1);
    const int n = epoll_wait(epoll_fd_, events.data(),
                             static_cast<int>(events.size()), timeout_ms);
    for (int i = 0; i < n; ++i) {
      void* tag = events[static_cast<size_t>(i)].data.ptr;
      if (tag == &wake_fd_) {
        uint64_t count;
        (void)!read(wake_fd_, &count, sizeof count);
      } else if (tag == &listen_fd_) {
        AcceptAll();
      } else {
        auto* side = static_cast<Side*>(tag);
        if (!side->conn->closed) {
          OnEvent(side, events[static_cast<size_t>(i)].events);
        }
      }
    }
    FreeDead();
    if (stop_accepting_ && s.listening) {
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
      close(listen_fd_);
      listen_fd_ = -1;
      s.listening = false;
    }
  }
  std::vector<Conn*> all;
  for (const auto& [id, c] : s.conns) all.push_back(c.get());
  for (Conn* c : all) Close(c);
  FreeDead();
  s.unproven.clear();
}

void ConnectionGate::FreeDead() {
  State& s = *state_;
  s.dead.clear();
}

void ConnectionGate::AcceptAll() {
  State& s = *state_;
  for (int i = 0; i < kAcceptBurst && s.listening; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
          errno == ENOMEM) {
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
        s.accept_paused_until = absl::Now() + kAcceptPause;
      }
      return;
    }
    Admit(fd, PeerAddress(ss));
  }
}

ConnectionGate::Conn* ConnectionGate::StaleUnproven() {
  State& s = *state_;
  while (!s.unproven.empty()) {
    auto it = s.conns.find(s.unproven.front());
    if (it == s.conns.end() || it->second->proven) {
      s.unproven.pop_front();
      continue;
    }
    Conn* oldest = it->second.get();
    return oldest->opened <= absl::Now() - kProveTime ? oldest : nullptr;
  }
  return nullptr;
}

void ConnectionGate::Admit(int fd, const std::string& address) {
  State& s = *state_;
  std::vector<Conn*>& mine = s.by_address[address];
  // Also keeps the queue short: its front is dropped as it is answered.
  Conn* stale = StaleUnproven();
  const Admission a =
      api::Admit(limits_, static_cast<int>(open_.load()),
                 static_cast<int>(mine.size()), stale != nullptr);
  if (a == Admission::kRefuse) {
    if (mine.empty()) s.by_address.erase(address);
    refused_++;
    Reset(fd);
    return;
  }
  if (a == Admission::kAdmitEvictingUnproven) {
    evicted_++;
    Close(stale, true);
  }
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
                 pair) != 0) {
    if (auto it = s.by_address.find(address);
        it != s.by_address.end() && it->second.empty()) {
      s.by_address.erase(it);
    }
    refused_++;
    Reset(fd);
    return;
  }
  // gRPC asks its end for the peer's address; an unnamed socket has none it
  // accepts, so ours takes an automatic abstract name.
  sockaddr_un name{};
  name.sun_family = AF_UNIX;
  (void)bind(pair[0], reinterpret_cast<sockaddr*>(&name), sizeof(sa_family_t));

  auto owned = std::make_unique<Conn>();
  Conn* c = owned.get();
  c->id = s.next_id++;
  c->address = address;
  c->opened = absl::Now();
  c->client = {c, fd, 0};
  c->inner = {c, pair[0], 0};
  s.conns.emplace(c->id, std::move(owned));
  s.by_address[address].push_back(c);
  s.unproven.push_back(c->id);
  open_++;
  admitted_++;
  Watch(&c->client, EPOLLIN);
  Watch(&c->inner, EPOLLIN);
  hand_(pair[1]);
}

void ConnectionGate::Watch(Side* side, uint32_t want) {
  if (side->watching == want && side->watching != 0) return;
  epoll_event ev{};
  ev.events = want;
  ev.data.ptr = side;
  if (side->watching == 0 && want != 0) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, side->fd, &ev);
  } else if (want == 0) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, side->fd, nullptr);
  } else {
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, side->fd, &ev);
  }
  side->watching = want;
}

void ConnectionGate::OnEvent(Side* side, uint32_t events) {
  Conn* c = side->conn;
  if ((events & (EPOLLERR | EPOLLHUP)) != 0 && side == &c->client) {
    // The client is gone both ways: nothing more to relay.
    Close(c, true);
    return;
  }
  Pump(c);
}

namespace {

enum class Moved { kNothing, kSome, kFailed };

// Moves what `from` has for `to` through `p`, until either would block.
Moved Transfer(int from, int to, Pending& p) {
  Moved moved = Moved::kNothing;
  for (int round = 0; round < 8; ++round) {
    if (p.len == 0 && !p.eof) {
      if (!p.buf) p.buf = std::make_unique<char[]>(kChunk);
      const ssize_t n = recv(from, p.buf.get(), kChunk, MSG_DONTWAIT);
      if (n > 0) {
        p.off = 0;
        p.len = static_cast<size_t>(n);
        moved = Moved::kSome;
      } else if (n == 0) {
        p.eof = true;
        (void)shutdown(to, SHUT_WR);
      } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return Moved::kFailed;
      }
    }
    if (p.len == 0) break;
    const ssize_t n = send(to, p.buf.get() + p.off, p.len - p.off,
                           MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
      return Moved::kFailed;
    }
    p.off += static_cast<size_t>(n);
    if (p.off < p.len) break;
    p.off = p.len = 0;
  }
  if (p.len == 0) p.buf.reset();
  return moved;
}

}  // namespace

void ConnectionGate::Pump(Conn* c) {
  const Moved up = Transfer(c->client.fd, c->inner.fd, c->up);
  const Moved down = Transfer(c->inner.fd, c->client.fd, c->down);
  if (up == Moved::kFailed || down == Moved::kFailed ||
      (c->down.eof && c->down.len == 0)) {
    // gRPC closed its end (a timeout, GOAWAY, a shutdown) or a side failed.
    Close(c);
    return;
  }
  if (down == Moved::kSome) c->proven = true;
  Watch(&c->client, (c->up.len == 0 && !c->up.eof ? EPOLLIN : 0u) |
                        (c->down.len > 0 ? EPOLLOUT : 0u));
  Watch(&c->inner, (c->down.len == 0 && !c->down.eof ? EPOLLIN : 0u) |
                       (c->up.len > 0 ? EPOLLOUT : 0u));
}

void ConnectionGate::Close(Conn* c, bool reset) {
  if (c->closed) return;
  c->closed = true;
  State& s = *state_;
  Watch(&c->client, 0);
  Watch(&c->inner, 0);
  if (reset) {
    Reset(c->client.fd);
  } else {
    close(c->client.fd);
  }
  close(c->inner.fd);
  auto it = s.by_address.find(c->address);
  if (it != s.by_address.end()) {
    std::erase(it->second, c);
    if (it->second.empty()) s.by_address.erase(it);
  }
  auto owned = s.conns.find(c->id);
  s.dead.push_back(std::move(owned->second));
  s.conns.erase(owned);
  open_--;
}

}  // namespace werkbank::api
