// SPDX-License-Identifier: EUPL-1.2
// JSON string literals as the Connect errors, the OctoPrint answers and the
// webhook bodies write them: what JSON needs escaped is, valid text is kept
// byte for byte, and stray bytes never make the JSON invalid.
#include "services/common/json_text.h"

#include <gtest/gtest.h>

#include <string>

#include "services/common/utf8.h"

namespace werkbank::json {
namespace {

TEST(JsonText, PlainTextIsQuoted) {
  EXPECT_EQ(Quote(""), "\"\"");
  EXPECT_EQ(Quote("printer-1"), "\"printer-1\"");
}

TEST(JsonText, QuotesAndBackslashesAreEscaped) {
  EXPECT_EQ(Quote("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(Quote("C:\\gcode\\part.gcode"), "\"C:\\\\gcode\\\\part.gcode\"");
}

TEST(JsonText, ControlCharactersAreEscaped) {
  EXPECT_EQ(Quote("a\nb\rc\td"), "\"a\\nb\\rc\\td\"");
  EXPECT_EQ(Quote(std::string("\0", 1)), "\"\\u0000\"");
  EXPECT_EQ(Quote("\x01\x08\x0c\x1b\x1f"),
            "\"\\u0001\\u0008\\u000c\\u001b\\u001f\"");
  // DEL is not a control character to JSON.
  EXPECT_EQ(Quote("\x7f"), "\"\x7f\"");
}

TEST(JsonText, ValidUtf8IsKeptAsItIs) {
  EXPECT_EQ(Quote("Grüße, 東京, 🔥"), "\"Grüße, 東京, 🔥\"");
}

TEST(JsonText, InvalidUtf8IsShownEscaped) {
  EXPECT_EQ(Quote("ok \xe9"), "\"ok \\\\xE9\"");
  // A character cut short keeps its valid neighbours; a quote after it is
  // still escaped.
  EXPECT_EQ(Quote("\xc3\xbc\xc3\""), "\"\xc3\xbc\\\\xC3\\\"\"");
  // The same as repairing the text first, which is what webhooks did.
  const std::string stray = "T:21.0 /0.0 \xff\xfe\n";
  EXPECT_EQ(Quote(stray), Quote(utf8::EscapeInvalid(stray)));
  EXPECT_TRUE(utf8::IsValid(Quote(stray)));
}

}  // namespace
}  // namespace werkbank::json
