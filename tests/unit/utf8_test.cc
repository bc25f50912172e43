// SPDX-License-Identifier: EUPL-1.2
// Invalid UTF-8 is shown escaped, in plain text and inside encoded messages,
// and valid text is never touched.
#include "services/common/utf8.h"

#include <gtest/gtest.h>

#include "services/common/utf8_wire.h"
#include "werkbank/v1/jobs.pb.h"

namespace werkbank::utf8 {
namespace {

TEST(Utf8, ValidTextIsLeftAlone) {
  for (const std::string text :
       {"", "G1 X1", "Grüße, 東京, 🔥", "tab\tand\nnewline"}) {
    EXPECT_TRUE(IsValid(text)) << text;
    EXPECT_EQ(EscapeInvalid(text), text);
  }
}

TEST(Utf8, InvalidBytesAreShownEscaped) {
  EXPECT_EQ(EscapeInvalid("G1 X1 \xe9"), "G1 X1 \\xE9");
  EXPECT_EQ(EscapeInvalid("a\xff\xfe"
                          "b"),
            "a\\xFF\\xFEb");
  // A character cut short keeps its valid neighbours.
  EXPECT_EQ(EscapeInvalid("\xc3\xbc\xc3"), "\xc3\xbc\\xC3");
  // Overlong forms, surrogates and code points above U+10FFFF.
  for (const std::string bad : {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                                "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80"}) {
    EXPECT_FALSE(IsValid(bad));
    EXPECT_TRUE(IsValid(EscapeInvalid(bad)));
  }
}

TEST(Utf8Wire, RepairsStringsInNestedMessagesAndKeepsTheRest) {
  v1::PreflightReport report;
  report.set_passed(false);
  report.set_line_count(3);
  auto* v = report.add_violations();
  v->set_line(1);
  v->set_rule("syntax");
  v->set_message("unexpected character '\xe9'");
  report.add_bbox_max(12.5);
  const std::string encoded = report.SerializePartialAsString();
  v1::PreflightReport parsed;
  ASSERT_FALSE(parsed.ParseFromString(encoded));  // why a repair is needed

  auto repaired = RepairEncoded(*v1::PreflightReport::descriptor(), encoded);
  ASSERT_TRUE(repaired.has_value());
  ASSERT_TRUE(parsed.ParseFromString(*repaired));
  EXPECT_EQ(parsed.violations(0).message(), "unexpected character '\\xE9'");
  EXPECT_EQ(parsed.violations(0).rule(), "syntax");
  EXPECT_EQ(parsed.line_count(), 3);
  EXPECT_EQ(parsed.bbox_max(0), 12.5);

  EXPECT_FALSE(
      RepairEncoded(*v1::PreflightReport::descriptor(), *repaired).has_value());
}

TEST(Utf8Wire, BytesFieldsAndMalformedEncodingsAreLeftAlone) {
  v1::UploadJobRequest chunk;
  chunk.set_chunk("G1 X1 \xe9");  // bytes, not a string
  EXPECT_FALSE(RepairEncoded(*v1::UploadJobRequest::descriptor(),
                             chunk.SerializeAsString())
                   .has_value());
  EXPECT_FALSE(RepairEncoded(*v1::PreflightReport::descriptor(),
                             std::string("\x12\x7f\xe9", 3))
                   .has_value());
}

}  // namespace
}  // namespace werkbank::utf8
