// SPDX-License-Identifier: EUPL-1.2
// Anonymising a person removes the programs they uploaded (a program may
// carry a name) from the state directory, against the real werkbankd and
// the simulated printer: the files of their jobs and print requests go, the
// jobs' records and every figure stay; another person's files stay, also one
// with the same content; a job that still runs keeps its program until it
// has ended, and the daily task removes it then.
#include <gmock/gmock.h>

#include <filesystem>

#include "machine_fixture.h"
#include "werkbank/v1/privacy.grpc.pb.h"
#include "werkbank/v1/reports.grpc.pb.h"
#include "werkbank/v1/service_requests.grpc.pb.h"

namespace werkbank::testing {
namespace {

class PrivacyFilesE2E : public MachineE2E {
 protected:
  // A print without heating; `variant` makes the content (and so the
  // stored file) differ.
  static std::string Print(int variant, int moves = 20) {
    std::string p = absl::StrCat("G21\nG90\nG28\nG1 Z", 1 + variant, "\n");
    for (int i = 0; i < moves; ++i)
      absl::StrAppend(&p, "G1 X", 10 + i % 100, " Y20 F6000\n");
    return p;
  }

  std::string ProgramFile(const std::string& sha256) {
    return daemon_->state_dir() + "/jobs/" + sha256 + ".gcode";
  }
  bool Stored(const std::string& sha256) {
    return std::filesystem::exists(ProgramFile(sha256));
  }

  v1::ServiceRequest Submit(const std::string& token, const std::string& note,
                            const std::string& program) {
    auto ctx = Authed(token);
    v1::ServiceRequest r;
    auto writer =
        v1::PrintService::NewStub(ch_)->SubmitServiceRequest(ctx.get(), &r);
    v1::SubmitServiceRequestRequest part;
    part.mutable_header()->set_machine_class("fdm");
    part.mutable_header()->set_file_name("nameplate.gcode");
    part.mutable_header()->set_note(note);
    writer->Write(part);
    part.set_chunk(program);
    writer->Write(part);
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r;
  }

  v1::ServiceRequest GetRequest(int64_t id) {
    v1::GetServiceRequestRequest req;
    req.set_id(id);
    v1::ServiceRequest r;
    auto ctx = Authed(admin_);
    grpc::Status s =
        v1::PrintService::NewStub(ch_)->GetServiceRequest(ctx.get(), req, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r;
  }

  grpc::Status Anonymise(const std::string& login) {
    v1::AnonymiseUserRequest req;
    req.set_login(login);
    req.set_reason("asked at the counter");
    v1::AnonymiseUserResponse resp;
    auto ctx = Authed(admin_);
    return v1::Privacy::NewStub(ch_)->AnonymiseUser(ctx.get(), req, &resp);
  }

  // The lab's usage figures from a day before the test to a day after it,
  // one per line.
  std::string Figures() {
    v1::GetUsageReportRequest req;
    *req.mutable_range()->mutable_start() = Ts(test_start_ - absl::Hours(24));
    *req.mutable_range()->mutable_end() = Ts(test_start_ + absl::Hours(24));
    v1::UsageReport report;
    auto ctx = Authed(admin_);
    grpc::Status s =
        v1::Reports::NewStub(ch_)->GetUsageReport(ctx.get(), req, &report);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::string out;
    for (const auto& row : report.rows())
      absl::StrAppend(&out, row.dimension(), " ", row.key(), " ", row.value(),
                      "\n");
    return out;
  }

  // What the figures are made of: machine, times, lines.
  static std::string Aggregates(const v1::Job& j) {
    return absl::StrCat(
        j.machine_id(), " state=", j.state(),
        " created=", j.created_at().seconds(),
        " started=", j.started_at().seconds(),
        " finished=", j.finished_at().seconds(), " ran=", j.run_seconds(),
        " lines=", j.preflight().line_count(), " bytes=", j.size_bytes());
  }

  bool WaitForJob(int64_t id, v1::JobState state) {
    return WaitUntil([&] { return GetJob(id).state() == state; },
                     absl::Seconds(30));
  }

  const absl::Time test_start_ = absl::Now();
};

TEST_F(PrivacyFilesE2E, AnonymisingRemovesTheirProgramsAndKeepsTheFigures) {
  StartLab();
  ASSERT_FALSE(HasFailure());
  // Pia prints once, uploads a second program and asks for a print.
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  const v1::Job printed = Upload(pia_, "printer-1", Print(0));
  ASSERT_TRUE(StartJob(pia_, printed.id(), {}).ok());
  ASSERT_TRUE(WaitForJob(printed.id(), v1::JOB_STATE_COMPLETED));
  const v1::Job shared = Upload(pia_, "printer-1", Print(1));
  const v1::ServiceRequest asked =
      Submit(pia_, "a name plate for Pia Pfeiffer", Print(2));
  // Bob's: one of his own, one with the same content as Pia's second.
  const v1::Job bobs = Upload(bob_, "printer-1", Print(3));
  const v1::Job bobs_copy = Upload(bob_, "printer-1", Print(1));
  ASSERT_EQ(bobs_copy.sha256(), shared.sha256());
  for (const std::string& sha :
       {printed.sha256(), shared.sha256(), asked.sha256(), bobs.sha256()}) {
    ASSERT_TRUE(Stored(sha)) << sha;
  }
  const std::string figures = Figures();
  ASSERT_THAT(figures, ::testing::HasSubstr("jobs completed 1"));
  const std::string aggregates = Aggregates(GetJob(printed.id()));

  ASSERT_TRUE(Anonymise("pia").ok());

  EXPECT_FALSE(Stored(printed.sha256())) << "the program she printed";
  EXPECT_FALSE(Stored(asked.sha256())) << "the program of her request";
  EXPECT_TRUE(Stored(shared.sha256())) << "Bob's job has the same program";
  EXPECT_TRUE(Stored(bobs.sha256()));
  EXPECT_EQ(Figures(), figures);
  const v1::Job after = GetJob(printed.id());
  EXPECT_EQ(Aggregates(after), aggregates);
  EXPECT_EQ(after.file_name(), absl::StrCat("job-", printed.id(), ".gcode"));
  // Her waiting request is withdrawn, its note cut; nobody could start it
  // without its file.
  const v1::ServiceRequest request = GetRequest(asked.id());
  EXPECT_EQ(request.state(), v1::SERVICE_REQUEST_STATE_WITHDRAWN);
  EXPECT_EQ(request.note(), "");

  // Once Bob is anonymised too, nobody needs the shared program.
  ASSERT_TRUE(Anonymise("bob").ok());
  EXPECT_FALSE(Stored(shared.sha256()));
  EXPECT_FALSE(Stored(bobs.sha256()));
  EXPECT_EQ(Figures(), figures);
}

TEST_F(PrivacyFilesE2E, ARunningJobKeepsItsProgramUntilItHasEnded) {
  StartLab();
  ASSERT_FALSE(HasFailure());
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  const v1::Job running = Upload(pia_, "printer-1", Print(0, 20000));
  ASSERT_TRUE(StartJob(pia_, running.id(), {}).ok());
  ASSERT_TRUE(WaitForJob(running.id(), v1::JOB_STATE_RUNNING));

  // Anonymising is not refused; the print goes on, as when she logs out.
  ASSERT_TRUE(Anonymise("pia").ok());
  EXPECT_EQ(GetJob(running.id()).state(), v1::JOB_STATE_RUNNING);
  EXPECT_TRUE(Stored(running.sha256()));

  v1::CancelJobRequest cancel;
  cancel.set_id(running.id());
  cancel.set_reason("closing time");
  v1::Job cancelled;
  auto ctx = Authed(admin_);
  ASSERT_TRUE(
      v1::Jobs::NewStub(ch_)->CancelJob(ctx.get(), cancel, &cancelled).ok());
  ASSERT_TRUE(WaitForJob(running.id(), v1::JOB_STATE_CANCELLED));
  EXPECT_TRUE(Stored(running.sha256())) << "until the daily task";

  // The daily task runs once the daemon has started.
  ASSERT_EQ(daemon_->Stop(), 0);
  StartDaemon();
  EXPECT_TRUE(
      WaitUntil([&] { return !Stored(running.sha256()); }, absl::Seconds(20)));
}

}  // namespace
}  // namespace werkbank::testing
