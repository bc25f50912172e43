// SPDX-License-Identifier: EUPL-1.2
// Channel set-up and certificate pinning; see connection.h.
#include "connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/common/crypto.h"

namespace werkbank::cli {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void WritePrivate(const std::string& path, const std::string& content) {
  const mode_t old = umask(0077);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
  }
  chmod(path.c_str(), 0600);
  umask(old);
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool IsLoopback(const std::string& server) {
  return server.rfind("127.", 0) == 0 || server.rfind("localhost:", 0) == 0 ||
         server.rfind("[::1]", 0) == 0;
}

}  // namespace

std::string ConfigDir() {
  std::string base;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) {
    base = x;
  } else if (const char* h = std::getenv("HOME"); h && *h) {
    base = std::string(h) + "/.config";
  } else {
    base = ".";
  }
  const std::string dir = base + "/werkbank";
  std::error_code ec;
  std::filesystem::create_directories(dir + "/known_servers", ec);
  chmod(dir.c_str(), 0700);
  return dir;
}

absl::StatusOr<std::string> FetchServerCertificate(const std::string& server) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return absl::InternalError("OpenSSL: no TLS context");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof kAlpn);
  BIO* bio = BIO_new_ssl_connect(ctx);
  SSL* ssl = nullptr;
  BIO_get_ssl(bio, &ssl);
  SSL_set_tlsext_host_name(ssl, "werkbank");
  BIO_set_conn_hostname(bio, server.c_str());
  std::string pem;
  absl::Status status = absl::OkStatus();
  if (BIO_do_connect(bio) <= 0 || BIO_do_handshake(bio) <= 0) {
    status = absl::UnavailableError(absl::StrCat(
        "cannot make a TLS connection to ", server,
        "; is werkbankd running there (and not with --plaintext)?"));
  } else if (X509* cert = SSL_get1_peer_certificate(ssl); cert != nullptr) {
    BIO* mem = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(mem, cert);
    char* data = nullptr;
    long len = BIO_get_mem_data(mem, &data);
    pem.assign(data, static_cast<size_t>(len));
    BIO_free(mem);
    X509_free(cert);
  } else {
    status = absl::UnavailableError("the server presented no certificate");
  }
  BIO_free_all(bio);
  SSL_CTX_free(ctx);
  if (!status.ok()) return status;
  return pem;
}

absl::StatusOr<Connection> Connection::Open(const ConnectionOptions& options) {
  Connection c;
  const std::string dir = ConfigDir();
  c.server_ = options.server;
  if (c.server_.empty()) {
    if (const char* env = std::getenv("WERKBANK_SERVER"); env && *env) {
      c.server_ = env;
    }
  }
  if (c.server_.empty()) c.server_ = Trim(ReadAll(dir + "/server"));
  if (c.server_.empty()) c.server_ = "127.0.0.1:7443";

  // The token belongs to the server it was issued by.
  const std::string session = ReadAll(dir + "/token");
  if (auto nl = session.find('\n');
      nl != std::string::npos && session.substr(0, nl) == c.server_) {
    c.token_ = Trim(session.substr(nl + 1));
  }

  if (options.plaintext) {
    if (!IsLoopback(c.server_)) {
      return absl::InvalidArgumentError(
          "--plaintext is only allowed for a loopback address");
    }
    c.channel_ =
        grpc::CreateChannel(c.server_, grpc::InsecureChannelCredentials());
    return c;
  }
  grpc::SslCredentialsOptions ssl;
  grpc::ChannelArguments args;
  if (!options.ca_file.empty()) {
    ssl.pem_root_certs = ReadAll(options.ca_file);
    if (ssl.pem_root_certs.empty()) {
      return absl::NotFoundError(
          absl::StrCat("cannot read the CA file ", options.ca_file));
    }
  } else {
    c.pinned_path_ = absl::StrCat(
        dir, "/known_servers/",
        absl::StrReplaceAll(c.server_,
                            {{":", "_"}, {"/", "_"}, {"[", ""}, {"]", ""}}),
        ".pem");
    ssl.pem_root_certs = ReadAll(c.pinned_path_);
    if (ssl.pem_root_certs.empty()) {
      auto pem = FetchServerCertificate(c.server_);
      if (!pem.ok()) return pem.status();
      auto fp = crypto::CertificateFingerprint(*pem);
      if (!fp.ok()) return fp.status();
      WritePrivate(c.pinned_path_, *pem);
      std::cerr << "werkbank: first connection to " << c.server_
                << "; trusting its certificate " << *fp
                << "\n          (compare it with the fingerprint werkbankd "
                   "printed at start; pinned in "
                << c.pinned_path_ << ")\n";
      ssl.pem_root_certs = *pem;
    }
    // The daemon's self-signed certificate names itself "werkbank".
    args.SetSslTargetNameOverride("werkbank");
  }
  c.channel_ =
      grpc::CreateCustomChannel(c.server_, grpc::SslCredentials(ssl), args);
  return c;
}

std::unique_ptr<grpc::ClientContext> Connection::Context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) ctx->AddMetadata("authorization", "Bearer " + token_);
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(30));
  return ctx;
}

void Connection::SaveSession(const std::string& token) const {
  const std::string dir = ConfigDir();
  WritePrivate(dir + "/token", server_ + "\n" + token + "\n");
  WritePrivate(dir + "/server", server_ + "\n");
}

void Connection::ForgetSession() const {
  std::error_code ec;
  std::filesystem::remove(ConfigDir() + "/token", ec);
}

std::string Connection::DiagnoseUnavailable() const {
  if (pinned_path_.empty()) return "";
  const std::string pinned = ReadAll(pinned_path_);
  auto now = FetchServerCertificate(server_);
  if (!now.ok() || pinned.empty()) return "";
  auto a = crypto::CertificateFingerprint(pinned);
  auto b = crypto::CertificateFingerprint(*now);
  if (!a.ok() || !b.ok() || *a == *b) return "";
  return absl::StrCat(
      "WARNING: the certificate of ", server_, " has CHANGED.\n",
      "  pinned:  ", *a, "\n  now:     ", *b, "\n",
      "Someone may be impersonating the server, or its key was replaced.\n",
      "Refusing to connect. If the change is expected, remove ", pinned_path_,
      "\nand connect again.");
}

}  // namespace werkbank::cli
