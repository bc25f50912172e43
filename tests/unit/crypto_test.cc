// SPDX-License-Identifier: EUPL-1.2
// SHA-256 in pieces (backups are hashed as they are streamed) equals the
// SHA-256 of the whole, and both match the published test vector.
#include "services/common/crypto.h"

#include <gtest/gtest.h>

namespace werkbank::crypto {
namespace {

TEST(Sha256, InPiecesEqualsTheWhole) {
  const std::string text = "abc";
  EXPECT_EQ(Sha256Hex(text),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string big;
  for (int i = 0; i < 100000; ++i) big += static_cast<char>(i * 31);
  Sha256 pieces;
  for (size_t pos = 0; pos < big.size(); pos += 4096) {
    pieces.Update(absl::string_view(big).substr(pos, 4096));
  }
  EXPECT_EQ(pieces.FinalHex(), Sha256Hex(big));
}

}  // namespace
}  // namespace werkbank::crypto
