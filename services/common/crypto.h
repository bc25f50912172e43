// SPDX-License-Identifier: EUPL-1.2
// Small wrappers over OpenSSL used by accounts and the audit chain: SHA-256,
// secure random bytes, constant-time comparison and hex/base64url encoding.
#ifndef WERKBANK_SERVICES_COMMON_CRYPTO_H_
#define WERKBANK_SERVICES_COMMON_CRYPTO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace werkbank::crypto {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

// SHA-256 of data that arrives in pieces (a file streamed in chunks).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(absl::string_view data);
  // Lower-case hex of everything given so far; call once.
  std::string FinalHex();

 private:
  ::evp_md_ctx_st* ctx_;
};

// `n` bytes from OpenSSL's CSPRNG. Aborts if the generator fails: without
// randomness no token or password can be made safely.
std::string RandomBytes(size_t n);

// Compares in time that depends only on the lengths, not on the contents.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

std::string HexEncode(absl::string_view bytes);
std::string Base64UrlEncode(absl::string_view bytes);

// "SHA256:AB:CD:..." of a PEM certificate; INVALID_ARGUMENT if it does not
// parse.
absl::StatusOr<std::string> CertificateFingerprint(const std::string& cert_pem);

}  // namespace werkbank::crypto

#endif  // WERKBANK_SERVICES_COMMON_CRYPTO_H_
