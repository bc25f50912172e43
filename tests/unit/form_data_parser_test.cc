// SPDX-License-Identifier: EUPL-1.2
// The streaming multipart/form-data parser of the slicers' uploads: the
// same body gives the same fields and file however it is cut into chunks
// (boundaries split anywhere), missing or malformed parts are named, and
// fields cannot grow past their limit.
#include "services/web/octoprint/form_data_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace werkbank::web::octoprint {
namespace {

using ::testing::HasSubstr;

constexpr char kBoundary[] = "------------------------a1b2c3";

// As PrusaSlicer sends it (libcurl's mime): print, path, then the file.
std::string PrusaBody(const std::string& file) {
  const std::string b = std::string("--") + kBoundary;
  return b +
         "\r\nContent-Disposition: form-data; name=\"print\"\r\n\r\ntrue\r\n" +
         b + "\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n\r\n" +
         b +
         "\r\nContent-Disposition: form-data; name=\"file\"; "
         "filename=\"sub/box.gcode\"\r\nContent-Type: "
         "application/octet-stream\r\n\r\n" +
         file + "\r\n" + b + "--\r\n";
}

struct Parsed {
  absl::Status status;
  std::string file;
  FormDataParser parser{kBoundary};
};

// Feeds `body` in chunks of `size` bytes.
void FeedInChunks(Parsed& p, const std::string& body, size_t size) {
  for (size_t at = 0; at < body.size() && p.status.ok(); at += size) {
    p.status = p.parser.Feed(absl::string_view(body).substr(at, size), &p.file);
  }
  if (p.status.ok()) p.status = p.parser.Finish();
}

TEST(FormDataParser, EveryChunkingGivesTheSameFieldsAndFile) {
  // A file that holds the boundary's first characters and line breaks, so
  // that a partial match must be given back as data.
  std::string file = "G28\r\nG1 X10\r\n--------\r\n---";
  for (int i = 0; i < 200; ++i) file += "G1 X" + std::to_string(i) + "\n";
  const std::string body = PrusaBody(file);
  for (size_t size = 1; size <= body.size();
       size = size < 80 ? size + 1 : size * 2) {
    Parsed p;
    FeedInChunks(p, body, size);
    ASSERT_TRUE(p.status.ok())
        << "chunks of " << size << ": " << p.status.message();
    EXPECT_TRUE(p.parser.done());
    EXPECT_EQ(p.file, file) << "chunks of " << size;
    EXPECT_EQ(p.parser.file_name(), "box.gcode");
    EXPECT_EQ(p.parser.fields().at("print"), "true");
    EXPECT_EQ(p.parser.fields().at("path"), "");
  }
}

TEST(FormDataParser, FieldsAfterTheFileAreKeptToo) {
  // Cura sends path, file, then select and print.
  const std::string b = std::string("--") + kBoundary;
  const std::string body =
      b + "\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n\r\n" + b +
      "\r\nContent-Disposition: form-data; name=\"file\"; "
      "filename=\"cube.gcode\"\r\n\r\nG28\n\r\n" +
      b +
      "\r\nContent-Disposition: form-data; name=\"select\"\r\n\r\ntrue\r\n" +
      b + "\r\nContent-Disposition: form-data; name=\"print\"\r\n\r\ntrue\r\n" +
      b + "--\r\n";
  Parsed p;
  FeedInChunks(p, body, 7);
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.file, "G28\n");
  EXPECT_EQ(p.parser.fields().at("select"), "true");
  EXPECT_EQ(p.parser.fields().at("print"), "true");
}

TEST(FormDataParser, AFileSplitIntoManyChunksIsHandedOutAsItArrives) {
  const std::string file(1 << 20, 'X');
  const std::string body = PrusaBody(file);
  Parsed p;
  size_t most = 0;
  for (size_t at = 0; at < body.size(); at += 64 << 10) {
    std::string out;
    ASSERT_TRUE(
        p.parser.Feed(absl::string_view(body).substr(at, 64 << 10), &out).ok());
    most = std::max(most, out.size());
    p.file += out;
  }
  EXPECT_TRUE(p.parser.Finish().ok());
  EXPECT_EQ(p.file.size(), file.size());
  // Never much more than one chunk at a time: nothing is gathered whole.
  EXPECT_LE(most, (64u << 10) + 64);
}

TEST(FormDataParser, ABodyCutShortIsIncomplete) {
  const std::string body = PrusaBody("G28\nG1 X10\n");
  Parsed p;
  FeedInChunks(p, body.substr(0, body.size() - 20), 5);
  EXPECT_FALSE(p.status.ok());
  EXPECT_THAT(p.status.message(), HasSubstr("before its closing boundary"));
  EXPECT_TRUE(p.parser.file_started());
}

TEST(FormDataParser, ABodyWithoutAFileHasNoFile) {
  const std::string b = std::string("--") + kBoundary;
  Parsed p;
  FeedInChunks(p,
               b +
                   "\r\nContent-Disposition: form-data; name=\"print\"\r\n\r\n"
                   "true\r\n" +
                   b + "--\r\n",
               3);
  ASSERT_TRUE(p.status.ok());
  EXPECT_FALSE(p.parser.file_started());
}

TEST(FormDataParser, MalformedPartsAreRefusedWithASentence) {
  const std::string b = std::string("--") + kBoundary;
  {
    Parsed p;
    FeedInChunks(p, b + "\r\nContent-Type: text/plain\r\n\r\nx\r\n" + b + "--",
                 4);
    EXPECT_THAT(p.status.message(), HasSubstr("has no name"));
  }
  {
    Parsed p;
    FeedInChunks(p, b + "garbage\r\n", 4);
    EXPECT_THAT(p.status.message(), HasSubstr("malformed"));
  }
  {
    Parsed p;
    const std::string part =
        "\r\nContent-Disposition: form-data; name=\"file\"; "
        "filename=\"a.gcode\"\r\n\r\nG28\r\n";
    FeedInChunks(p, b + part + b + part + b + "--\r\n", 16);
    EXPECT_THAT(p.status.message(), HasSubstr("more than one file"));
  }
  {
    Parsed p;
    FeedInChunks(p,
                 b + "\r\nContent-Disposition: form-data; name=\"x\"\r\n" +
                     std::string(10000, 'h'),
                 512);
    EXPECT_THAT(p.status.message(), HasSubstr("headers of a form part"));
  }
}

TEST(FormDataParser, AFieldPastItsLimitIsRefused) {
  const std::string b = std::string("--") + kBoundary;
  Parsed p;
  FeedInChunks(p,
               b + "\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" +
                   std::string(5000, 'p') + "\r\n" + b + "--\r\n",
               1000);
  EXPECT_FALSE(p.status.ok());
  EXPECT_THAT(p.status.message(), HasSubstr("\"path\" is longer than 4096"));
}

TEST(FormDataParser, TheBoundaryComesFromTheContentType) {
  auto b = BoundaryFromContentType(
      "multipart/form-data; boundary=------------------------a1b2c3");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "------------------------a1b2c3");
  auto quoted = BoundaryFromContentType(
      "Multipart/Form-Data; charset=utf-8; boundary=\"x y\"");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(*quoted, "x y");
  EXPECT_THAT(BoundaryFromContentType("application/json").status().message(),
              HasSubstr("multipart/form-data"));
  EXPECT_FALSE(BoundaryFromContentType("multipart/form-data").ok());
}

}  // namespace
}  // namespace werkbank::web::octoprint
