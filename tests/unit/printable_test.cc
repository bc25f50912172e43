// SPDX-License-Identifier: EUPL-1.2
// Text that must never be refused (an emergency stop's reason) is made
// printable and short instead: escapes for control characters and bytes that
// are not UTF-8, and a cut on a character boundary.
#include "services/api/printable.h"

#include <gtest/gtest.h>

namespace werkbank::api {
namespace {

TEST(Printable, PlainTextStaysAsItIs) {
  EXPECT_EQ(Printable("Rauch an der Linse – sofort aus", 500),
            "Rauch an der Linse – sofort aus");
  EXPECT_EQ(Printable("", 500), "");
}

TEST(Printable, ControlCharactersAndBrokenUtf8BecomeEscapes) {
  EXPECT_EQ(Printable("a\x01"
                      "b\nc\x7f",
                      500),
            "a\\x01b\\x0Ac\\x7F");
  EXPECT_EQ(Printable("\xFF\xC3(", 500), "\\xFF\\xC3(");
  EXPECT_EQ(Printable("\xC2\x85", 500), "\\u0085");              // C1 control
  EXPECT_EQ(Printable("\xED\xA0\x80", 500), "\\xED\\xA0\\x80");  // surrogate
  EXPECT_EQ(Printable("\xE2\x82", 500), "\\xE2\\x82");           // cut short
}

TEST(Printable, LongTextIsCutOnACharacterBoundary) {
  std::string umlauts;
  for (int i = 0; i < 400; ++i) umlauts += "ä";  // 2 bytes each
  const std::string cut = Printable(umlauts, 500);
  EXPECT_LE(cut.size(), 500u);
  EXPECT_EQ(cut, std::string(umlauts, 0, 496) + "…");
  // An escape is never split either.
  const std::string escapes = Printable(std::string(200, '\x01'), 10);
  EXPECT_EQ(escapes, "\\x01…");
}

}  // namespace
}  // namespace werkbank::api
