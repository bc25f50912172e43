// SPDX-License-Identifier: EUPL-1.2
// TLS key and certificate creation with OpenSSL 3; see tls_identity.h.
#include "tls_identity.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "file_util.h"
#include "services/common/crypto.h"

namespace werkbank::daemon {
namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

absl::StatusOr<TlsIdentity> Create() {
  Pkey key(EVP_EC_gen("P-256"));
  if (!key) return absl::InternalError("OpenSSL could not create a P-256 key");
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 366 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("werkbank"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(
      name, "O", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("werkbank lab daemon"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  // CA:TRUE lets clients use this one certificate as their trust root.
  std::string san = "DNS:werkbank,DNS:localhost,IP:127.0.0.1,IP:::1";
  if (std::strlen(host) > 0 && std::strchr(host, ',') == nullptr) {
    absl::StrAppend(&san, ",DNS:", host);
  }
  if (!AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !AddExtension(cert.get(), NID_key_usage,
                    "critical,digitalSignature,keyCertSign") ||
      !AddExtension(cert.get(), NID_ext_key_usage, "serverAuth") ||
      !AddExtension(cert.get(), NID_subject_alt_name, san.c_str())) {
    return absl::InternalError("OpenSSL could not add certificate extensions");
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return absl::InternalError("OpenSSL could not sign the certificate");
  }
  TlsIdentity id;
  Bio kb(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0, nullptr,
                           nullptr);
  id.key_pem = BioToString(kb.get());
  Bio cb(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(cb.get(), cert.get());
  id.cert_pem = BioToString(cb.get());
  id.created = true;
  return id;
}

}  // namespace

absl::StatusOr<TlsIdentity> LoadOrCreateTlsIdentity(const std::string& dir) {
  const std::string cert_path = dir + "/cert.pem";
  const std::string key_path = dir + "/key.pem";
  TlsIdentity id;
  auto cert = ReadFile(cert_path);
  auto key = ReadFile(key_path);
  if (cert.ok() && key.ok()) {
    id.cert_pem = *cert;
    id.key_pem = *key;
  } else {
    if (auto s = MakePrivateDir(dir); !s.ok()) return s;
    auto made = Create();
    if (!made.ok()) return made.status();
    id = *made;
    if (auto s = WritePrivateFile(key_path, id.key_pem); !s.ok()) return s;
    if (auto s = WritePrivateFile(cert_path, id.cert_pem); !s.ok()) return s;
  }
  auto fp = crypto::CertificateFingerprint(id.cert_pem);
  if (!fp.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        cert_path, " is not a valid certificate; remove ", dir,
        " to create a new one (clients will then see a changed fingerprint)"));
  }
  id.fingerprint = *fp;
  return id;
}

}  // namespace werkbank::daemon
