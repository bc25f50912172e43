// SPDX-License-Identifier: EUPL-1.2
// Checks of untrusted request text.
#include "services/common/validate.h"

#include <gtest/gtest.h>

namespace werkbank::validate {
namespace {

TEST(Validate, Logins) {
  EXPECT_TRUE(Login("anna").ok());
  EXPECT_TRUE(Login("a.b-c_9").ok());
  EXPECT_FALSE(Login("a").ok());
  EXPECT_FALSE(Login("Anna").ok());
  EXPECT_FALSE(Login(".anna").ok());
  EXPECT_FALSE(Login(std::string(33, 'a')).ok());
  EXPECT_FALSE(Login("an na").ok());
}

TEST(Validate, Text) {
  EXPECT_TRUE(Text("note", "Grüße aus dem Labor\n", 100, false).ok());
  EXPECT_FALSE(Text("note", "", 100, true).ok());
  EXPECT_FALSE(Text("note", std::string(101, 'x'), 100, false).ok());
  EXPECT_FALSE(Text("note", "bell\x07", 100, false).ok());
  EXPECT_FALSE(Text("note", "\xff\xfe", 100, false).ok());
  EXPECT_FALSE(Text("note", "cut \xc3", 100, false).ok());
  EXPECT_EQ(Text("note", std::string(101, 'x'), 100, false).message(),
            "note is too long: 101 bytes, at most 100");
}

TEST(Validate, Instants) {
  EXPECT_TRUE(Instant("start", absl::FromUnixSeconds(1790000000)).ok());
  EXPECT_FALSE(Instant("start", absl::FromUnixSeconds(0)).ok());
  EXPECT_FALSE(Instant("start", absl::InfiniteFuture()).ok());
}

}  // namespace
}  // namespace werkbank::validate
