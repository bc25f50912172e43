// SPDX-License-Identifier: EUPL-1.2
// Hashing of passwords and PINs with scrypt (OpenSSL), stored as
//   scrypt$<log2 N>$<r>$<p>$<salt hex>$<hash hex>
// so that the cost can be raised later without invalidating old hashes.
#ifndef WERKBANK_SERVICES_ACCESS_SECRET_HASH_H_
#define WERKBANK_SERVICES_ACCESS_SECRET_HASH_H_

#include <string>

#include "absl/strings/string_view.h"

namespace werkbank::access {

// A fresh salt each call; about 30-60 ms of CPU and 16 MiB of memory.
std::string HashSecret(absl::string_view secret);

// True when `secret` matches `stored`; compares in constant time. A malformed
// `stored` never matches.
bool VerifySecret(absl::string_view secret, absl::string_view stored);

// A random password of 16 characters from an unambiguous alphabet.
std::string GeneratePassword();

}  // namespace werkbank::access

#endif  // WERKBANK_SERVICES_ACCESS_SECRET_HASH_H_
