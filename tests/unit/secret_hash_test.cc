// SPDX-License-Identifier: EUPL-1.2
// scrypt hashes: verify the right secret only, never a malformed hash.
#include "services/access/secret_hash.h"

#include <gtest/gtest.h>

namespace werkbank::access {
namespace {

TEST(SecretHash, VerifiesOnlyTheRightSecret) {
  const std::string h = HashSecret("correct horse battery");
  EXPECT_EQ(h.rfind("scrypt$14$8$1$", 0), 0u);
  EXPECT_TRUE(VerifySecret("correct horse battery", h));
  EXPECT_FALSE(VerifySecret("correct horse batterY", h));
  EXPECT_FALSE(VerifySecret("", h));
}

TEST(SecretHash, SaltsEveryHash) {
  EXPECT_NE(HashSecret("same"), HashSecret("same"));
}

TEST(SecretHash, MalformedHashesNeverMatch) {
  EXPECT_FALSE(VerifySecret("x", ""));
  EXPECT_FALSE(VerifySecret("x", "scrypt$invalid"));
  EXPECT_FALSE(
      VerifySecret("x", "scrypt$30$8$1$00$00"));  // absurd cost refused
  EXPECT_FALSE(VerifySecret("x", "md5$abc"));
}

TEST(SecretHash, GeneratedPasswordsAreLongAndDifferent) {
  const std::string a = GeneratePassword(), b = GeneratePassword();
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_of("il1o0"), std::string::npos);
}

}  // namespace
}  // namespace werkbank::access
