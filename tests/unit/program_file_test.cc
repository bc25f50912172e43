// SPDX-License-Identifier: EUPL-1.2
// ProgramFile: a stored program read back in chunks gives exactly the lines
// (and source line numbers) that ParseProgram gives for the whole text, and
// reports a file it cannot read or that is not what was checked.
#include "services/machines/program_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "drivers/gcode/line.h"
#include "services/common/crypto.h"
#include "temp_dir.h"

namespace werkbank::machines {
namespace {

using ::testing::HasSubstr;

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

struct Expected {
  std::vector<std::string> codes;
  std::vector<int64_t> source_lines;
};

Expected FromParseProgram(const std::string& text) {
  Expected e;
  for (const auto& line : gcode::ParseProgram(text)) {
    if (line.code.empty()) continue;
    e.codes.push_back(line.code);
    e.source_lines.push_back(line.source_line);
  }
  return e;
}

// Several chunks (64 KiB each) with lines across their boundaries, CRLF,
// comments, blank lines, `%`, and a last line without a newline.
std::string BigProgram() {
  std::string text = "%\r\n; sliced by hand\r\n\r\nG21 G90\r\n";
  for (int i = 0; i < 12000; ++i) {
    absl::StrAppend(&text, "G1 X", i % 200, ".", i % 7, " Y", (i / 200) % 200,
                    (i % 3 == 0 ? " ; a comment\r\n" : "\n"),
                    (i % 500 == 0 ? "(a block comment)\n\n" : ""));
  }
  return text + "M5";
}

TEST(ProgramFile, GivesTheLinesParseProgramGivesAcrossChunks) {
  testing::TempDir dir;
  const std::string text = BigProgram();
  ASSERT_GT(text.size(), 3u * 64 * 1024);
  Write(dir.File("p.gcode"), text);
  const Expected want = FromParseProgram(text);
  ProgramFile file(dir.File("p.gcode"), static_cast<int64_t>(want.codes.size()),
                   crypto::Sha256Hex(text));
  EXPECT_EQ(file.size(), static_cast<int64_t>(want.codes.size()));
  std::vector<std::string> codes;
  std::vector<int64_t> source_lines;
  for (std::string line; file.Next(line);) {
    codes.push_back(line);
    source_lines.push_back(file.source_line());
  }
  EXPECT_TRUE(file.status().ok()) << file.status();
  EXPECT_EQ(codes, want.codes);
  EXPECT_EQ(source_lines, want.source_lines);
  EXPECT_EQ(codes.back(), "M5");
  EXPECT_EQ(codes.front(), "G21 G90");
  EXPECT_EQ(source_lines.front(), 4);
}

TEST(ProgramFile, AFileThatIsNotWhatWasCheckedFailsAtItsEnd) {
  testing::TempDir dir;
  Write(dir.File("p.gcode"), "G0 X1\nG0 X2\n");
  ProgramFile changed(dir.File("p.gcode"), 2, crypto::Sha256Hex("G0 X1\n"));
  std::string line;
  EXPECT_TRUE(changed.Next(line));
  EXPECT_TRUE(changed.Next(line));
  EXPECT_FALSE(changed.Next(line));
  EXPECT_EQ(changed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(changed.status().message(), HasSubstr("changed"));

  ProgramFile longer(dir.File("p.gcode"), 1);
  while (longer.Next(line)) {
  }
  EXPECT_THAT(longer.status().message(), HasSubstr("has 2 lines, not the 1"));

  Write(dir.File("bad.gcode"), "G0 X1\nG1 X#\n");
  ProgramFile bad(dir.File("bad.gcode"), 2);
  EXPECT_FALSE(bad.Next(line));  // the chunk holding line 2 fails as a whole
  EXPECT_THAT(bad.status().message(), HasSubstr("line 2 "));
}

TEST(ProgramFile, AReadErrorIsItsStatus) {
  testing::TempDir dir;
  std::string line;
  ProgramFile missing(dir.File("gone.gcode"), 3);
  EXPECT_FALSE(missing.Next(line));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("gone.gcode cannot be opened"));
  // A folder opens but cannot be read (EISDIR).
  ProgramFile folder(dir.path(), 3);
  EXPECT_FALSE(folder.Next(line));
  EXPECT_EQ(folder.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(folder.status().message(), HasSubstr("cannot be read"));
}

TEST(VerifyProgram, StreamsTheHash) {
  testing::TempDir dir;
  const std::string text = BigProgram();
  Write(dir.File("p.gcode"), text);
  EXPECT_TRUE(VerifyProgram(dir.File("p.gcode"), crypto::Sha256Hex(text)).ok());
  EXPECT_THAT(
      VerifyProgram(dir.File("p.gcode"), crypto::Sha256Hex("x")).message(),
      HasSubstr("damaged"));
  EXPECT_EQ(VerifyProgram(dir.File("gone"), crypto::Sha256Hex(text)).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace werkbank::machines
