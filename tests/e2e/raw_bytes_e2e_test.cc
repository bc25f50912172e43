// SPDX-License-Identifier: EUPL-1.2
// A byte that is not UTF-8 in an uploaded G-code file: preflight quotes the
// line, and the job list still decodes for its owner and for staff.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lab_fixture.h"
#include "werkbank/v1/jobs.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;

class RawBytesE2E : public LabE2E {};

TEST_F(RawBytesE2E, ARawByteInGcodeNeverBreaksTheJobList) {
  StartDaemonAndLogIn();
  const std::string pia = NewUser("pia", {"participant"});
  auto jobs = v1::Jobs::NewStub(ch_);
  v1::Job job;
  {
    auto ctx = Authed(pia);
    auto writer = jobs->UploadJob(ctx.get(), &job);
    v1::UploadJobRequest header;
    header.mutable_header()->set_machine_id("laser-1");
    header.mutable_header()->set_file_name("cafe.gcode");
    ASSERT_TRUE(writer->Write(header));
    v1::UploadJobRequest chunk;
    chunk.set_chunk("G1 X1 \xe9\n");
    ASSERT_TRUE(writer->Write(chunk));
    writer->WritesDone();
    const grpc::Status s = writer->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(job.state(), v1::JOB_STATE_REJECTED);
  ASSERT_GT(job.preflight().violations_size(), 0);
  EXPECT_THAT(job.preflight().violations(0).message(), HasSubstr("\\xE9"));

  for (const std::string& token : {pia, admin_}) {
    v1::ListJobsRequest list;
    list.set_all_users(token == admin_);
    v1::ListJobsResponse listed;
    auto lctx = Authed(token);
    const grpc::Status l = jobs->ListJobs(lctx.get(), list, &listed);
    ASSERT_TRUE(l.ok()) << l.error_message();
    ASSERT_EQ(listed.jobs_size(), 1);
    EXPECT_EQ(listed.jobs(0).id(), job.id());

    v1::GetJobRequest get;
    get.set_id(job.id());
    v1::Job got;
    auto gctx = Authed(token);
    const grpc::Status g = jobs->GetJob(gctx.get(), get, &got);
    ASSERT_TRUE(g.ok()) << g.error_message();
    EXPECT_THAT(got.preflight().violations(0).message(), HasSubstr("\\xE9"));
  }
}

}  // namespace
}  // namespace werkbank::testing
