// SPDX-License-Identifier: EUPL-1.2
// The web app's files from werkbankd: index.html for "/" and for client
// routes, immutable caching for hashed assets, precompressed .gz files,
// no path escapes, and the security headers on every answer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "daemon.h"
#include "web_client.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class WebStaticE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = dir_.File("app");
    std::filesystem::create_directories(app_ + "/assets");
    Write("index.html", "<!doctype html><title>werkbank</title>");
    Write("assets/app-3f2a9c1d.js", "console.log('app');");
    Write("assets/app-3f2a9c1d.js.gz", "not really gzip, but marked so");
    Write("favicon.ico", "ico");
    Write("manifest.webmanifest", "{}");
    std::ofstream(dir_.File("secret.txt")) << "outside the app";
    ::symlink(dir_.File("secret.txt").c_str(), (app_ + "/leak.txt").c_str());
    daemon_ =
        Daemon::Start({.config_text = std::string(kLab) + "web { app_dir: \"" +
                                      app_ + "\" }\n"});
    ASSERT_TRUE(daemon_);
    web_ =
        std::make_unique<WebClient>(daemon_->web_port(), daemon_->cert_pem());
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(app_ + "/" + name) << text;
  }

  WebResponse Get(const std::string& target,
                  const std::string& accept_encoding = "") {
    Headers h;
    if (!accept_encoding.empty())
      h.push_back({"Accept-Encoding", accept_encoding});
    return web_->Send("GET", target, h);
  }

  static constexpr char kLab[] = R"(
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
machines { id: "laser-1" machine_class: "laser" protocol: "grbl" port: "sim:grbl"
           envelope { x_mm: 600 y_mm: 400 } }
)";

  TempDir dir_;
  std::string app_;
  std::unique_ptr<Daemon> daemon_;
  std::unique_ptr<WebClient> web_;
};

TEST_F(WebStaticE2E, IndexForRootAndClientRoutes) {
  for (const std::string target :
       {"/", "/machines/printer-1", "/login?next=%2F"}) {
    WebResponse r = Get(target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_THAT(r.body, HasSubstr("<title>werkbank</title>")) << target;
    EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.Header("cache-control"), "no-cache");
    EXPECT_EQ(r.Header("content-security-policy"),
              "default-src 'self'; script-src 'self'; style-src 'self'; "
              "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
              "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
              "form-action 'self'");
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.Header("referrer-policy"), "no-referrer");
    EXPECT_THAT(r.Header("strict-transport-security"), HasSubstr("max-age="));
  }
  // A missing file with an extension is a 404, not the app.
  EXPECT_EQ(Get("/assets/missing.js").status, 404);
}

TEST_F(WebStaticE2E, HashedAssetsAreImmutableAndGzipIsServedWhenAccepted) {
  WebResponse plain = Get("/assets/app-3f2a9c1d.js");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, "console.log('app');");
  EXPECT_EQ(plain.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(plain.Header("cache-control"),
            "public, max-age=31536000, immutable");
  EXPECT_EQ(plain.Header("content-encoding"), "");

  WebResponse gz = Get("/assets/app-3f2a9c1d.js", "br, gzip, deflate");
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.Header("content-encoding"), "gzip");
  EXPECT_EQ(gz.body, "not really gzip, but marked so");
  EXPECT_EQ(gz.Header("content-type"), "text/javascript; charset=utf-8");

  EXPECT_EQ(Get("/favicon.ico").Header("content-type"), "image/x-icon");
  EXPECT_EQ(Get("/manifest.webmanifest").Header("content-type"),
            "application/manifest+json");
}

TEST_F(WebStaticE2E, NoPathLeavesTheAppFolder) {
  for (const std::string target :
       {"/../etc/passwd", "/%2e%2e/etc/passwd", "/assets/..%2f..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt", "/index.html%00.js",
        "/assets%5c..%5csecret.txt"}) {
    WebResponse r = Get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_THAT(r.body, Not(HasSubstr("outside the app"))) << target;
    EXPECT_NE(r.Header("content-security-policy"), "") << target;
  }
  // A symlink out of the folder is not followed.
  WebResponse leak = Get("/leak.txt");
  EXPECT_EQ(leak.status, 404);
  EXPECT_THAT(leak.body, Not(HasSubstr("outside the app")));
  // No directory listing.
  WebResponse listing = Get("/assets/");
  EXPECT_THAT(listing.body, Not(HasSubstr("app-3f2a9c1d.js")));
}

}  // namespace
}  // namespace werkbank::testing
