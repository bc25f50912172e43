// SPDX-License-Identifier: EUPL-1.2
// Server assembly; see server.h.
#include "server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "malformed_request.h"
#include "utf8_responses.h"

namespace werkbank::api {
namespace {

// A lab has tens of people on the API at once; these leave room for many
// more, and stop a flood from starving the machine controllers of memory.
constexpr int kMaxIdleThreads = 32;
constexpr int kMaxThreads = 256;
constexpr int kCompletionQueues = 2;

}  // namespace

bool IsLoopback(const std::string& host_port) {
  std::string host = host_port;
  if (absl::StartsWith(host, "[")) {
    host = host.substr(1, host.find(']') == std::string::npos
                              ? std::string::npos
                              : host.find(']') - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return absl::StartsWith(host, "127.") || host == "::1" || host == "localhost";
}

absl::StatusOr<std::unique_ptr<ApiServer>> ApiServer::Start(
    const ServerOptions& options, Domain& domain) {
  std::shared_ptr<grpc::ServerCredentials> creds;
  if (options.plaintext) {
    if (!IsLoopback(options.listen)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "plaintext is allowed on a loopback address only, not on ",
          options.listen, "; drop --plaintext to serve TLS"));
    }
    creds = grpc::InsecureServerCredentials();
  } else {
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({options.key_pem, options.cert_pem});
    creds = grpc::SslServerCredentials(ssl);
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::unique_ptr<ApiServer> server(new ApiServer());
  server->services_.push_back(std::make_unique<AccountsService>(domain));
  server->services_.push_back(std::make_unique<TrainingsService>(domain));
  server->services_.push_back(std::make_unique<BookingsService>(domain));
  server->services_.push_back(std::make_unique<MachinesService>(domain));
  server->services_.push_back(std::make_unique<JobsService>(domain));
  server->services_.push_back(std::make_unique<PrintServiceService>(domain));
  server->services_.push_back(std::make_unique<MonitorService>(domain));
  server->services_.push_back(std::make_unique<AuditService>(domain));
  server->services_.push_back(std::make_unique<ReportsService>(domain));
  server->services_.push_back(std::make_unique<AdminService>(domain));
  server->services_.push_back(std::make_unique<VisitsService>(domain));
  server->services_.push_back(std::make_unique<PrivacyService>(domain));
  server->services_.push_back(std::make_unique<ApiKeysService>(domain));

  grpc::ServerBuilder builder;
  if (options.max_connections > 0) {
    // The gate accepts the port's connections and hands gRPC those within
    // the limits (connection_gate.h: why it relays rather than hands over).
    auto gate = ConnectionGate::Listen(
        options.listen,
        {.max_total = options.max_connections,
         .max_per_address = std::max(1, options.max_connections_per_address)});
    if (!gate.ok()) return gate.status();
    server->gate_ = std::move(*gate);
    server->port_ = server->gate_->port();
    server->acceptor_ = builder.experimental().AddExternalConnectionAcceptor(
        grpc::ServerBuilder::experimental_type::ExternalConnectionType::FROM_FD,
        creds);
  } else {
    builder.AddListeningPort(options.listen, creds, &server->port_);
  }
  for (auto& s : server->services_) builder.RegisterService(s.get());
  builder.SetMaxReceiveMessageSize(4 * 1024 * 1024);
  // A connection costs memory from its first byte: one that never finishes
  // its handshake is dropped after seconds, not gRPC's 120 s.
  builder.AddChannelArgument(
      GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
      static_cast<int>(absl::ToInt64Milliseconds(options.handshake_timeout)));
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_IDLE_MS,
      static_cast<int>(absl::ToInt64Milliseconds(options.idle_timeout)));
  builder.SetMaxSendMessageSize(16 * 1024 * 1024);
  // Threads that finish a request keep polling instead of exiting and being
  // created again for the next one (the default keeps two); the quota bounds
  // how many requests run at once, however many clients connect.
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, kMaxIdleThreads);
  // Two completion queues rather than one: about 7 % more bookings per
  // second on a two-core machine (werkbank-bench booking, medians of six).
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS,
                              kCompletionQueues);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(
      std::make_unique<MalformedRequestInterceptorFactory>());
  interceptors.push_back(std::make_unique<Utf8ResponsesInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  grpc::ResourceQuota quota("werkbankd");
  quota.SetMaxThreads(kMaxThreads);
  builder.SetResourceQuota(quota);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen,
                     " (address in use, not a local address, or malformed)"));
  }
  server->server_->GetHealthCheckService()->SetServingStatus(true);
  if (server->gate_) {
    server->gate_->Start([acceptor = server->acceptor_.get()](int fd) {
      grpc::experimental::ExternalConnectionAcceptor::NewConnectionParameters p;
      p.fd = fd;
      acceptor->HandleNewConnection(&p);
    });
  }
  return server;
}

std::shared_ptr<grpc::Channel> ApiServer::InProcessChannel() {
  grpc::ChannelArguments args;
  // As large as the server sends (a backup's chunks).
  args.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  return server_->InProcessChannel(args);
}

ApiServer::~ApiServer() {
  if (server_) Shutdown(absl::Seconds(1));
}

void ApiServer::Shutdown(absl::Duration grace) {
  if (!server_) return;
  server_->GetHealthCheckService()->SetServingStatus(false);
  // No new connections; the open ones are relayed while calls finish.
  if (gate_) gate_->StopAccepting();
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoSeconds(grace));
  server_->Wait();
  server_.reset();
  if (gate_) gate_->Stop();
}

ConnectionGate::Counts ApiServer::connection_counts() const {
  return gate_ ? gate_->counts() : ConnectionGate::Counts{};
}

}  // namespace werkbank::api
