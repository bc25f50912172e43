// SPDX-License-Identifier: EUPL-1.2
// HMAC-SHA256 of a delivery; see signature.h.
#include "signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"

namespace werkbank::webhooks {

std::string SignatureHeader(absl::string_view secret, int64_t timestamp,
                            absl::string_view body) {
  const std::string text = absl::StrCat(timestamp, ".", body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac,
       &length);
  return absl::StrCat("sha256=", crypto::HexEncode(absl::string_view(
                                     reinterpret_cast<char*>(mac), length)));
}

}  // namespace werkbank::webhooks
