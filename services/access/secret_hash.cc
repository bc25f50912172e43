// SPDX-License-Identifier: EUPL-1.2
// scrypt hashing; see secret_hash.h.
#include "secret_hash.h"

#include <openssl/evp.h>

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/crypto.h"

namespace werkbank::access {
namespace {

constexpr int kLogN = 14;
constexpr int kR = 8;
constexpr int kP = 1;
constexpr size_t kHashBytes = 32;

bool Scrypt(absl::string_view secret, absl::string_view salt, int log_n, int r,
            int p, std::string& out) {
  out.assign(kHashBytes, '\0');
  return EVP_PBE_scrypt(
             secret.data(), secret.size(),
             reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
             uint64_t{1} << log_n, r, p, 64ull * 1024 * 1024,
             reinterpret_cast<unsigned char*>(out.data()), out.size()) == 1;
}

bool HexDecode(absl::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      char c = hex[i + k];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                       : -1;
      if (d < 0) return false;
      v = v * 16 + d;
    }
    out.push_back(static_cast<char>(v));
  }
  return true;
}

}  // namespace

std::string HashSecret(absl::string_view secret) {
  const std::string salt = crypto::RandomBytes(16);
  std::string hash;
  if (!Scrypt(secret, salt, kLogN, kR, kP, hash)) {
    // Only out-of-memory gets here; an unusable hash never matches.
    return "scrypt$invalid";
  }
  return absl::StrCat("scrypt$", kLogN, "$", kR, "$", kP, "$",
                      crypto::HexEncode(salt), "$", crypto::HexEncode(hash));
}

bool VerifySecret(absl::string_view secret, absl::string_view stored) {
  std::vector<absl::string_view> parts = absl::StrSplit(stored, '$');
  int log_n = 0, r = 0, p = 0;
  std::string salt, expected;
  if (parts.size() != 6 || parts[0] != "scrypt" ||
      !absl::SimpleAtoi(parts[1], &log_n) || !absl::SimpleAtoi(parts[2], &r) ||
      !absl::SimpleAtoi(parts[3], &p) || log_n < 10 || log_n > 20 || r < 1 ||
      r > 32 || p < 1 || p > 16 || !HexDecode(parts[4], salt) ||
      !HexDecode(parts[5], expected)) {
    return false;
  }
  std::string actual;
  if (!Scrypt(secret, salt, log_n, r, p, actual)) return false;
  return crypto::ConstantTimeEquals(actual.substr(0, expected.size()),
                                    expected) &&
         expected.size() == kHashBytes;
}

std::string GeneratePassword() {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
  constexpr size_t kAlphabetSize = sizeof(kAlphabet) - 1;
  std::string bytes = crypto::RandomBytes(64);
  std::string out;
  for (unsigned char b : bytes) {
    // Rejection sampling keeps every character equally likely.
    if (b >= 256 - (256 % kAlphabetSize)) continue;
    out.push_back(kAlphabet[b % kAlphabetSize]);
    if (out.size() == 16) break;
  }
  return out;
}

}  // namespace werkbank::access
