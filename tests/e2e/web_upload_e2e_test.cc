// SPDX-License-Identifier: EUPL-1.2
// Uploads from a browser: POST /upload/job streams the raw file through the
// very same Jobs/UploadJob code, answering the job with its preflight
// report as gRPC does; an upload over the limit is refused without the
// daemon's memory growing with the file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "daemon.h"
#include "memory_bound.h"
#include "web_client.h"
#include "werkbank/v1/jobs.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kLab[] = R"(
time_zone: "Europe/Berlin"
opening_hours { days: [MONDAY] open: "09:00" close: "18:00" }
machine_classes { name: "laser" }
machines { id: "laser-1" machine_class: "laser" protocol: "grbl" port: "sim:grbl"
           envelope { x_mm: 600 y_mm: 400 } }
jobs { max_upload_bytes: 4194304 }
)";

// One line outside the envelope (line 3), the rest fine.
constexpr char kProgram[] = "G21\nG90\nG0 X700 Y10\nM5\n";

int64_t RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

class WebUploadE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = Daemon::Start({.config_text = kLab});
    ASSERT_TRUE(daemon_);
    ch_ = daemon_->Channel();
    admin_ = Login(ch_, "admin", daemon_->admin_password());
    web_ =
        std::make_unique<WebClient>(daemon_->web_port(), daemon_->cert_pem());
  }

  WebResponse UploadText(const std::string& target, const std::string& text,
                         bool chunked) {
    return web_->Upload(
        target, admin_, text.size(),
        [&](size_t off, std::string& chunk) {
          chunk = text.substr(off, chunk.size());
        },
        chunked);
  }

  std::unique_ptr<Daemon> daemon_;
  std::shared_ptr<grpc::Channel> ch_;
  std::string admin_;
  std::unique_ptr<WebClient> web_;
};

TEST_F(WebUploadE2E, AnUploadAnswersTheJobWithItsPreflightAsGrpcDoes) {
  WebResponse up = UploadText(
      "/upload/job?machine_id=laser-1&file_name=sign%20v2.gcode", kProgram,
      /*chunked=*/false);
  ASSERT_EQ(up.status, 200) << up.body << up.error;
  EXPECT_EQ(up.Header("content-type"), "application/json");
  EXPECT_EQ(JsonField(up.body, "fileName"), "sign v2.gcode");
  EXPECT_EQ(JsonField(up.body, "state"), "JOB_STATE_REJECTED");
  EXPECT_THAT(up.body, HasSubstr("\"line\":3"));
  EXPECT_THAT(up.body, HasSubstr("\"rule\":\"envelope\""));

  // The same bytes over gRPC give the same report.
  auto ctx = Authed(admin_);
  v1::Job job;
  auto writer = v1::Jobs::NewStub(ch_)->UploadJob(ctx.get(), &job);
  v1::UploadJobRequest header;
  header.mutable_header()->set_machine_id("laser-1");
  header.mutable_header()->set_file_name("sign v2.gcode");
  ASSERT_TRUE(writer->Write(header));
  v1::UploadJobRequest chunk;
  chunk.set_chunk(kProgram);
  ASSERT_TRUE(writer->Write(chunk));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(JsonField(up.body, "sha256"), job.sha256());
  ASSERT_EQ(job.preflight().violations_size(), 1);
  EXPECT_THAT(up.body,
              HasSubstr(job.preflight().violations(0).message().substr(0, 20)));

  // Chunked transfer (no length known up front) works the same way.
  WebResponse chunked = UploadText(
      "/upload/job?machine_id=laser-1&file_name=b.gcode", kProgram, true);
  EXPECT_EQ(chunked.status, 200) << chunked.body;
  EXPECT_EQ(JsonField(chunked.body, "sha256"), job.sha256());
}

TEST_F(WebUploadE2E, BadUploadsGetAMessage) {
  WebResponse no_machine =
      UploadText("/upload/job?file_name=a.gcode", kProgram, false);
  EXPECT_EQ(no_machine.status, 400);
  EXPECT_THAT(no_machine.body, HasSubstr("name the machine"));

  WebResponse unknown_machine = UploadText(
      "/upload/job?machine_id=nope&file_name=a.gcode", kProgram, false);
  EXPECT_EQ(JsonField(unknown_machine.body, "code"), "not_found")
      << unknown_machine.body;

  WebResponse anonymous = web_->Upload(
      "/upload/job?machine_id=laser-1", "", 4,
      [](size_t, std::string& c) { c = "G21\n"; }, false);
  EXPECT_EQ(anonymous.status, 401);
}

// The print service's upload runs PrintService/SubmitServiceRequest the same
// way: the request comes back waiting, with its note and preflight.
TEST_F(WebUploadE2E, APrintRequestFromTheBrowserIsQueued) {
  WebResponse asked = UploadText(
      "/upload/service-request?machine_class=laser&file_name=sign.gcode&"
      "note=in%20oak%2C%20please",
      "G21\nG90\nG0 X70 Y10\nM5\n", true);
  EXPECT_EQ(asked.status, 200) << asked.body;
  EXPECT_EQ(JsonField(asked.body, "state"), "SERVICE_REQUEST_STATE_WAITING")
      << asked.body;
  EXPECT_EQ(JsonField(asked.body, "note"), "in oak, please");
  EXPECT_EQ(JsonField(asked.body, "fileName"), "sign.gcode");

  // One that fails preflight is refused with the line, and nothing queued.
  WebResponse refused = UploadText(
      "/upload/service-request?machine_class=laser&file_name=b.gcode", kProgram,
      false);
  EXPECT_EQ(JsonField(refused.body, "code"), "failed_precondition")
      << refused.body;
  EXPECT_THAT(refused.body, HasSubstr("line 3"));

  WebResponse no_class =
      UploadText("/upload/service-request?file_name=a.gcode", kProgram, false);
  EXPECT_EQ(no_class.status, 400);
  EXPECT_THAT(no_class.body, HasSubstr("name the machine class"));
  WebResponse wrong = UploadText(
      "/upload/service-request?machine_class=laser&machine_id=laser-1",
      kProgram, false);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_THAT(wrong.body, HasSubstr("machine_class, file_name, note"));
}

TEST_F(WebUploadE2E, AnUploadOverTheLimitIsRefusedInConstantMemory) {
  const auto fill = [](size_t, std::string& chunk) {
    for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = i % 64 ? 'X' : '\n';
  };
  // Announced too large: refused before a byte of the body is taken.
  WebResponse announced =
      web_->Upload("/upload/job?machine_id=laser-1&file_name=big.gcode", admin_,
                   64 << 20, fill, /*chunked=*/false);
  EXPECT_EQ(announced.status, 413) << announced.body << announced.error;
  EXPECT_EQ(JsonField(announced.body, "code"), "resource_exhausted");
  EXPECT_THAT(announced.body, HasSubstr("at most 4194304 bytes"));

  // Streamed without a length: the jobs service stops it at the limit.
  const int64_t before = RssKb(daemon_->pid());
  WebResponse streamed =
      web_->Upload("/upload/job?machine_id=laser-1&file_name=big.gcode", admin_,
                   64 << 20, fill, /*chunked=*/true);
  const int64_t after = RssKb(daemon_->pid());
  EXPECT_EQ(JsonField(streamed.body, "code"), "resource_exhausted")
      << streamed.status << " " << streamed.body << streamed.error;
  std::cout << "daemon RSS " << before << " kB before, " << after
            << " kB after a 64 MiB chunked upload over the limit\n";
  EXPECT_LT(after - before, MemoryBoundKb(16 * 1024));

  // The daemon keeps serving.
  WebResponse ok = UploadText(
      "/upload/job?machine_id=laser-1&file_name=ok.gcode", kProgram, false);
  EXPECT_EQ(ok.status, 200) << ok.body;
}

}  // namespace
}  // namespace werkbank::testing
