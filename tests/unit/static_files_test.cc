// SPDX-License-Identifier: EUPL-1.2
// Path resolution for the web app's files: fallbacks, caching rules and
// every way out of the folder refused.
#include "services/web/static_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "services/web/session_cookie.h"
#include "temp_dir.h"

namespace werkbank::web {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = dir_.File("app");
    std::filesystem::create_directories(app_ + "/assets");
    std::ofstream(app_ + "/index.html") << "index";
    std::ofstream(app_ + "/assets/app-5XK2ZQ7H.js") << "js";
    std::ofstream(app_ + "/assets/app-5XK2ZQ7H.js.gz") << "gz";
    std::ofstream(app_ + "/assets/style.css") << "css";
    std::ofstream(dir_.File("outside.txt")) << "secret";
    ::symlink(dir_.File("outside.txt").c_str(), (app_ + "/out.txt").c_str());
  }

  absl::StatusCode Code(const std::string& target) {
    return ResolveStaticFile(app_, target).status().code();
  }

  testing::TempDir dir_;
  std::string app_;
};

TEST_F(StaticFilesTest, RoutesFallBackToIndex) {
  for (const std::string t : {"/", "/machines/printer-1", "/a/b?c=d", "//"}) {
    auto f = ResolveStaticFile(app_, t);
    ASSERT_TRUE(f.ok()) << t << ": " << f.status();
    EXPECT_EQ(std::filesystem::path(f->path).filename(), "index.html") << t;
    EXPECT_EQ(f->cache_control, "no-cache");
    EXPECT_EQ(f->content_type, "text/html; charset=utf-8");
  }
  EXPECT_EQ(Code("/assets/nope.js"), absl::StatusCode::kNotFound);
}

TEST_F(StaticFilesTest, HashedFilesAreImmutable) {
  auto f = ResolveStaticFile(app_, "/assets/app-5XK2ZQ7H.js");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->cache_control, "public, max-age=31536000, immutable");
  auto css = ResolveStaticFile(app_, "/assets/style.css");
  ASSERT_TRUE(css.ok());
  EXPECT_EQ(css->cache_control, "no-cache");
  EXPECT_TRUE(HasContentHash("app-3f2a9c1d.js"));
  EXPECT_TRUE(HasContentHash("chunk.0a1b2c3d4e.css"));
  EXPECT_FALSE(HasContentHash("app-feedback.js"));
  EXPECT_FALSE(HasContentHash("index.html"));
  EXPECT_TRUE(GzipSibling(app_, f->path).has_value());
  EXPECT_FALSE(GzipSibling(app_, css->path).has_value());
}

TEST_F(StaticFilesTest, NoWayOut) {
  EXPECT_EQ(Code("/../outside.txt"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("/%2e%2e/outside.txt"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("/assets/%2E%2E%2F..%2Foutside.txt"),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("/index.html%00"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("/a%5c..%5coutside.txt"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("/%zz"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("/out.txt"), absl::StatusCode::kNotFound);
  EXPECT_EQ(Code("/.hidden"), absl::StatusCode::kNotFound);
  EXPECT_EQ(Code("/assets"), absl::StatusCode::kOk);  // a route: index.html
}

TEST(ContentTypes, ByExtension) {
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("a.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("a.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("a.CSS"), "text/css; charset=utf-8");
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("br"));
}

TEST(SessionCookie, BearerFirstThenCookie) {
  EXPECT_EQ(SessionToken("Bearer abc", "werkbank_session=def"), "abc");
  EXPECT_EQ(SessionToken("", "x=1; werkbank_session=def; y=2"), "def");
  EXPECT_EQ(SessionToken("Basic zzz", "other=1"), std::nullopt);
  EXPECT_EQ(SetSessionCookie("t", true),
            "werkbank_session=t; HttpOnly; Secure; SameSite=Strict; Path=/");
  EXPECT_EQ(ClearSessionCookie(false),
            "werkbank_session=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/");
}

}  // namespace
}  // namespace werkbank::web
