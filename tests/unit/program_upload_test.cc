// SPDX-License-Identifier: EUPL-1.2
// ProgramUpload: chunks go to a temporary file with the hash and preflight
// computed on the way; the size limit holds as bytes arrive; nothing is left
// behind by an upload that does not finish.
#include "services/machines/program_upload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "drivers/gcode/line.h"
#include "temp_dir.h"

namespace werkbank::machines {
namespace {

using ::testing::HasSubstr;

gcode::MachineLimits Printer() {
  gcode::MachineLimits l;
  l.envelope_mm = {250, 210, 210};
  return l;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ProgramUpload, StoresTheFileUnderItsHashWithThePreflight) {
  testing::TempDir dir;
  std::string text = "G28\r\n; start\n";
  for (int i = 0; i < 40000; ++i)
    absl::StrAppend(&text, "G1 X", i % 200, " Y", i % 150, " F3000\n");
  absl::StrAppend(&text, "G1 X400");  // outside, on the last line
  auto upload = ProgramUpload::Create(dir.File("jobs"), Printer(), 1 << 30);
  ASSERT_TRUE(upload.ok()) << upload.status();
  for (size_t pos = 0, piece = 1; pos < text.size(); pos += piece) {
    piece = 1 + (pos * 7919) % 300000;  // pieces of every size
    ASSERT_TRUE((*upload)->Append(text.substr(pos, piece)).ok());
  }
  auto done = (*upload)->Finish();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->sha256, crypto::Sha256Hex(text));
  EXPECT_EQ(done->size_bytes, static_cast<int64_t>(text.size()));
  const gcode::Analysis whole =
      gcode::Analyze(gcode::ParseProgram(text), Printer());
  EXPECT_EQ(done->analysis.line_count, whole.line_count);
  EXPECT_DOUBLE_EQ(done->analysis.estimated_seconds, whole.estimated_seconds);
  ASSERT_EQ(done->analysis.violation_count, 1);
  EXPECT_EQ(done->analysis.violations[0].line, 40003);
  const std::string temp = (*upload)->temp_path();
  ASSERT_TRUE((*upload)->Commit().ok());
  const std::string stored = dir.File("jobs/" + done->sha256 + ".gcode");
  EXPECT_EQ(ReadAll(stored), text);
  EXPECT_FALSE(std::filesystem::exists(temp));
  upload->reset();
  EXPECT_TRUE(std::filesystem::exists(stored));
}

TEST(ProgramUpload, TheLimitHoldsAsBytesArriveAndNothingIsLeftBehind) {
  testing::TempDir dir;
  auto upload = ProgramUpload::Create(dir.path(), Printer(), 10);
  ASSERT_TRUE(upload.ok());
  EXPECT_TRUE((*upload)->Append("G0 X1\n").ok());
  const absl::Status over = (*upload)->Append("G0 X2\n");
  EXPECT_EQ(over.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(over.message(), HasSubstr("limit of 10 bytes"));
  EXPECT_TRUE(std::filesystem::exists((*upload)->temp_path()));
  upload->reset();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));

  auto empty = ProgramUpload::Create(dir.path(), Printer(), 10);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)->Finish().status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ProgramUpload, UnfinishedUploadsAreRemovedAtStart) {
  testing::TempDir dir;
  auto upload = ProgramUpload::Create(dir.path(), Printer(), 100);
  ASSERT_TRUE(upload.ok());
  std::ofstream(dir.File("kept.gcode")) << "G0\n";
  RemoveUnfinishedUploads(dir.path());
  EXPECT_FALSE(std::filesystem::exists((*upload)->temp_path()));
  EXPECT_TRUE(std::filesystem::exists(dir.File("kept.gcode")));
}

}  // namespace
}  // namespace werkbank::machines
