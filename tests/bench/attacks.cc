// SPDX-License-Identifier: EUPL-1.2
// See attacks.h.
#include "attacks.h"

#include <arpa/inet.h>
#include <google/protobuf/descriptor.h>
#include <grpcpp/alarm.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "daemon.h"
#include "werkbank/v1/accounts.grpc.pb.h"
#include "werkbank/v1/jobs.grpc.pb.h"
#include "werkbank/v1/monitor.grpc.pb.h"

namespace werkbank::bench {
namespace {

bool Busy(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
         s.error_code() == grpc::StatusCode::UNAVAILABLE;
}

grpc::Status Login(const std::shared_ptr<grpc::Channel>& ch,
                   const v1::LoginRequest& req, v1::LoginResponse* out) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return v1::Accounts::NewStub(ch)->Login(&ctx, req, out);
}

// One held stream of HoldStreams and where it is in its life.
struct Held {
  enum Phase { kStarting, kWriting, kFinishing, kWaiting };
  bool upload = false;
  const std::string* token = nullptr;
  size_t account = 0;  // its stubs' index
  Phase phase = kStarting;
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::ClientAsyncWriter<v1::UploadJobRequest>> writer;
  std::unique_ptr<grpc::ClientAsyncReader<v1::LabSnapshot>> reader;
  v1::Job job;
  grpc::Status status;
  grpc::Alarm alarm;
};

}  // namespace

std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address,
                                          const std::string& cert_pem) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = cert_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("werkbank");
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
}

void HoldStreams(const std::string& address, const std::string& cert_pem,
                 const std::vector<std::string>& uploaders,
                 const std::vector<std::string>& watchers, int per_account,
                 const std::atomic<bool>& stop, AttackCounts& counts) {
  grpc::CompletionQueue cq;
  std::vector<std::unique_ptr<Held>> held;
  std::vector<std::unique_ptr<v1::Jobs::Stub>> jobs;
  std::vector<std::unique_ptr<v1::Monitor::Stub>> monitors;
  for (const auto* tokens : {&uploaders, &watchers}) {
    for (const std::string& token : *tokens) {
      auto ch = OwnChannel(address, cert_pem);
      jobs.push_back(v1::Jobs::NewStub(ch));
      monitors.push_back(v1::Monitor::NewStub(ch));
      for (int k = 0; k < per_account; ++k) {
        auto h = std::make_unique<Held>();
        h->upload = tokens == &uploaders;
        h->token = &token;
        h->account = jobs.size() - 1;
        held.push_back(std::move(h));
      }
    }
  }
  auto open = [&](Held& h) {
    h.phase = Held::kStarting;
    // The old stream lives in its call's arena: gone before its context.
    h.writer.reset();
    h.reader.reset();
    h.ctx = std::make_unique<grpc::ClientContext>();
    h.ctx->AddMetadata("authorization", "Bearer " + *h.token);
    h.ctx->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::minutes(30));
    h.status = grpc::Status();
    if (h.upload) {
      h.writer = jobs[h.account]->AsyncUploadJob(h.ctx.get(), &h.job, &cq, &h);
    } else {
      v1::WatchLabRequest req;
      req.set_min_interval_ms(100);
      h.reader = monitors[h.account]->AsyncWatchLab(h.ctx.get(), req, &cq, &h);
    }
    counts.held_streams_opened++;
  };
  for (auto& h : held) open(*h);
  size_t pending = held.size();
  bool cancelled = false;
  while (pending > 0) {
    void* tag;
    bool ok;
    const auto next = cq.AsyncNext(
        &tag, &ok,
        std::chrono::system_clock::now() + std::chrono::milliseconds(100));
    if (stop && !cancelled) {
      cancelled = true;
      for (auto& h : held) {
        if (h->phase == Held::kWaiting) {
          h->alarm.Cancel();
        } else {
          h->ctx->TryCancel();
        }
      }
    }
    if (next != grpc::CompletionQueue::GOT_EVENT) continue;
    Held& h = *static_cast<Held*>(tag);
    switch (h.phase) {
      case Held::kStarting:
        if (ok && h.upload) {
          v1::UploadJobRequest header;
          header.mutable_header()->set_machine_id("p1");
          header.mutable_header()->set_file_name("held.gcode");
          h.phase = Held::kWriting;
          h.writer->Write(header, &h);
          break;
        }
        [[fallthrough]];
      case Held::kWriting:
        h.phase = Held::kFinishing;
        if (h.upload) {
          h.writer->Finish(&h.status, &h);
        } else {
          h.reader->Finish(&h.status, &h);
        }
        break;
      case Held::kFinishing:
        counts.held_stream_ends[static_cast<size_t>(h.status.error_code()) %
                                counts.held_stream_ends.size()]++;
        if (h.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
          counts.held_streams_refused++;
        } else if (!cancelled) {
          counts.held_streams_closed++;
        }
        if (cancelled) {
          --pending;
          break;
        }
        // A refused place is asked for again a little later, a closed one
        // at once.
        h.phase = Held::kWaiting;
        h.alarm.Set(&cq,
                    std::chrono::system_clock::now() +
                        std::chrono::milliseconds(
                            h.status.error_code() ==
                                    grpc::StatusCode::RESOURCE_EXHAUSTED
                                ? 50
                                : 0),
                    &h);
        break;
      case Held::kWaiting:
        if (cancelled) {
          --pending;
        } else {
          open(h);
        }
        break;
    }
  }
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
}

void UploadRawBytes(const std::shared_ptr<grpc::Channel>& ch,
                    const std::string& token, const std::atomic<bool>& stop,
                    AttackCounts& counts) {
  auto jobs = v1::Jobs::NewStub(ch);
  while (!stop) {
    {
      v1::Job job;
      auto ctx = testing::Authed(token);
      auto writer = jobs->UploadJob(ctx.get(), &job);
      v1::UploadJobRequest part;
      part.mutable_header()->set_machine_id("p1");
      part.mutable_header()->set_file_name("caf\xc3\xa9.gcode");
      writer->Write(part);
      part.set_chunk("G21 G90\nG1 X1 \xe9\nG1 X2 \xff\xfe\n");
      writer->Write(part);
      writer->WritesDone();
      (void)writer->Finish();
      counts.raw_byte_uploads++;
    }
    v1::ListJobsRequest list;
    v1::ListJobsResponse listed;
    auto ctx = testing::Authed(token);
    const grpc::Status s = jobs->ListJobs(ctx.get(), list, &listed);
    if (!s.ok() && !Busy(s)) counts.broken_job_lists++;
  }
}

void LogInAsNobody(const std::shared_ptr<grpc::Channel>& ch, int seed,
                   const std::atomic<bool>& stop, AttackCounts& counts) {
  for (int64_t i = 0; !stop; ++i) {
    v1::LoginRequest req;
    req.mutable_password()->set_login(absl::StrCat("nobody-", seed, "-", i));
    req.mutable_password()->set_password("correct horse battery staple");
    v1::LoginResponse out;
    const grpc::Status s = Login(ch, req, &out);
    counts.unknown_logins++;
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE) counts.busy_answers++;
  }
}

void GuessPassword(const std::shared_ptr<grpc::Channel>& ch,
                   const std::string& login, int seed,
                   const std::atomic<bool>& stop, AttackCounts& counts) {
  for (int64_t i = 0; !stop; ++i) {
    v1::LoginRequest req;
    req.mutable_password()->set_login(login);
    req.mutable_password()->set_password(absl::StrCat("guess-", seed, "-", i));
    v1::LoginResponse out;
    const grpc::Status s = Login(ch, req, &out);
    counts.password_guesses++;
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE) counts.busy_answers++;
    if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED)
      counts.passwords_checked++;
  }
}

void GuessPin(const std::shared_ptr<grpc::Channel>& ch,
              const std::string& card_uid, int seed,
              const std::atomic<bool>& stop, AttackCounts& counts) {
  std::mt19937 rng(static_cast<unsigned>(seed));
  while (!stop) {
    v1::LoginRequest req;
    req.mutable_card()->set_card_uid(card_uid);
    req.mutable_card()->set_pin(absl::StrCat(1000 + rng() % 9000));
    v1::LoginResponse out;
    const grpc::Status s = Login(ch, req, &out);
    counts.pin_guesses++;
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE) counts.busy_answers++;
    if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED)
      counts.pins_checked++;
  }
}

void WatchAsDisabled(
    const std::shared_ptr<grpc::Channel>& ch, const std::string& staff_token,
    const std::vector<std::pair<std::string, std::string>>& sessions,
    const std::atomic<bool>& stop, AttackCounts& counts,
    std::vector<double>& end_ms) {
  auto accounts = v1::Accounts::NewStub(ch);
  auto monitor = v1::Monitor::NewStub(ch);
  for (const auto& [login, token] : sessions) {
    if (stop) break;
    struct Watch {
      std::unique_ptr<grpc::ClientContext> ctx;
      std::unique_ptr<grpc::ClientReader<v1::LabSnapshot>> reader;
      bool open = false;  // it delivered the lab once (not refused)
    };
    std::vector<Watch> watches;
    v1::LabSnapshot snapshot;
    for (int k = 0; k < 4; ++k) {
      Watch w;
      w.ctx = testing::Authed(token);
      v1::WatchLabRequest watch;
      watch.set_min_interval_ms(100);
      w.reader = monitor->WatchLab(w.ctx.get(), watch);
      w.open = w.reader->Read(&snapshot);
      watches.push_back(std::move(w));
    }
    v1::UpdateUserRequest disable;
    disable.set_login(login);
    disable.set_disabled(true);
    v1::User user;
    auto ctx = testing::Authed(staff_token);
    if (!accounts->UpdateUser(ctx.get(), disable, &user).ok()) continue;
    const absl::Time disabled = absl::Now();
    counts.disabled_accounts++;
    for (Watch& w : watches) {
      while (w.reader->Read(&snapshot)) {
      }
      (void)w.reader->Finish();
      if (!w.open) continue;
      const double ms = absl::ToDoubleMilliseconds(absl::Now() - disabled);
      end_ms.push_back(ms);
      if (ms > 1000) counts.streams_outliving_a_second++;
    }
  }
}

void SendMalformedBodies(const std::shared_ptr<grpc::Channel>& ch,
                         const std::string& token, int seed,
                         const std::atomic<bool>& stop, AttackCounts& counts) {
  std::vector<std::string> methods;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* name : {"Accounts", "Trainings", "Bookings", "Machines",
                           "Jobs", "Monitor", "Audit", "Reports", "Admin"}) {
    const auto* service =
        pool->FindServiceByName(absl::StrCat("werkbank.v1.", name));
    for (int m = 0; service != nullptr && m < service->method_count(); ++m) {
      const auto* method = service->method(m);
      if (method->client_streaming() || method->server_streaming()) continue;
      methods.push_back(
          absl::StrCat("/", service->full_name(), "/", method->name()));
    }
  }
  grpc::GenericStub stub(ch);
  grpc::CompletionQueue cq;
  std::mt19937 rng(static_cast<unsigned>(seed));
  while (!stop && !methods.empty()) {
    // Field 1 with wire type 7, which does not exist: never a request.
    std::string body = "\x0f";
    for (int i = static_cast<int>(rng() % 64); i > 0; --i)
      body.push_back(static_cast<char>(rng()));
    grpc::Slice slice(body);
    grpc::ByteBuffer request(&slice, 1), response;
    auto ctx = testing::Authed(token);
    auto call = stub.PrepareUnaryCall(
        ctx.get(), methods[rng() % methods.size()], request, &cq);
    call->StartCall();
    grpc::Status status;
    call->Finish(&response, &status, &status);
    void* tag;
    bool ok;
    cq.Next(&tag, &ok);
    counts.malformed_bodies++;
    if (status.error_code() == grpc::StatusCode::INTERNAL ||
        status.error_code() == grpc::StatusCode::UNKNOWN) {
      counts.internal_answers++;
    }
  }
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
}

void HoldConnections(int port, int idle, int stalled, int sources,
                     const std::atomic<bool>& stop, AttackCounts& counts) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // The start of a TLS ClientHello whose record promises 512 bytes.
  static constexpr char kHelloStart[] =
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
  auto connect_one = [&](bool tls, size_t index) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      counts.connections_refused++;
      return -1;
    }
    sockaddr_in from{};
    from.sin_family = AF_INET;
    from.sin_addr.s_addr =
        htonl(INADDR_LOOPBACK + 1 +
              static_cast<uint32_t>(index %
                                    static_cast<size_t>(std::max(1, sources))));
    (void)bind(fd, reinterpret_cast<const sockaddr*>(&from), sizeof from);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) !=
        0) {
      close(fd);
      counts.connections_refused++;
      return -1;
    }
    if (tls) {
      (void)send(fd, kHelloStart, sizeof kHelloStart - 1, MSG_NOSIGNAL);
      counts.tls_stalls_opened++;
    } else {
      counts.idle_connections_opened++;
    }
    return fd;
  };
  std::vector<pollfd> fds;
  std::vector<bool> tls;
  for (int i = 0; i < idle + stalled && !stop; ++i) {
    tls.push_back(i >= idle);
    fds.push_back({connect_one(tls.back(), fds.size()), POLLIN, 0});
  }
  while (!stop) {
    poll(fds.data(), fds.size(), 100);
    for (size_t i = 0; i < fds.size() && !stop; ++i) {
      if (fds[i].fd >= 0 && fds[i].revents == 0) continue;
      if (fds[i].fd >= 0) {
        char buf[256];
        if (recv(fds[i].fd, buf, sizeof buf, MSG_DONTWAIT) > 0) continue;
        close(fds[i].fd);
        counts.connections_dropped++;
      }
      fds[i].fd = connect_one(tls[i], i);
      fds[i].revents = 0;
    }
  }
  for (const pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
}

}  // namespace werkbank::bench
