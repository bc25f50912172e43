// SPDX-License-Identifier: EUPL-1.2
// The print service against the real werkbankd and the simulated printer: a
// person who was never briefed asks for a print; a qualified trainer runs it
// under their own unlock (the job stays the submitter's), or declines it with
// a reason the submitter reads; the queue survives a restart; the impact
// report counts the hours as print service.
#include <gmock/gmock.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "machine_fixture.h"
#include "werkbank/v1/reports.grpc.pb.h"
#include "werkbank/v1/service_requests.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;

class PrintServiceE2E : public MachineE2E {
 protected:
  grpc::Status Submit(const std::string& token, const std::string& cls,
                      const std::string& note, const std::string& program,
                      v1::ServiceRequest* out = nullptr,
                      const std::string& file = "keyring.gcode") {
    auto ctx = Authed(token);
    v1::ServiceRequest r;
    auto writer =
        v1::PrintService::NewStub(ch_)->SubmitServiceRequest(ctx.get(), &r);
    v1::SubmitServiceRequestRequest header;
    header.mutable_header()->set_machine_class(cls);
    header.mutable_header()->set_file_name(file);
    header.mutable_header()->set_note(note);
    writer->Write(header);
    v1::SubmitServiceRequestRequest chunk;
    chunk.set_chunk(program);
    writer->Write(chunk);
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    if (out) *out = r;
    return s;
  }

  grpc::Status Get(const std::string& token, int64_t id,
                   v1::ServiceRequest* out) {
    v1::GetServiceRequestRequest req;
    req.set_id(id);
    auto ctx = Authed(token);
    return v1::PrintService::NewStub(ch_)->GetServiceRequest(ctx.get(), req,
                                                             out);
  }

  std::vector<v1::ServiceRequest> List(
      const std::string& token,
      v1::ServiceRequestState state = v1::SERVICE_REQUEST_STATE_UNSPECIFIED) {
    v1::ListServiceRequestsRequest req;
    req.set_state(state);
    v1::ListServiceRequestsResponse resp;
    auto ctx = Authed(token);
    grpc::Status s = v1::PrintService::NewStub(ch_)->ListServiceRequests(
        ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.requests().begin(), resp.requests().end()};
  }

  grpc::Status Start(const std::string& token, int64_t id,
                     const std::string& machine,
                     v1::ServiceRequest* out = nullptr) {
    v1::StartServiceRequestRequest req;
    req.set_id(id);
    req.set_machine_id(machine);
    v1::ServiceRequest r;
    auto ctx = Authed(token);
    grpc::Status s =
        v1::PrintService::NewStub(ch_)->StartServiceRequest(ctx.get(), req, &r);
    if (out) *out = r;
    return s;
  }

  grpc::Status Decline(const std::string& token, int64_t id,
                       const std::string& reason) {
    v1::DeclineServiceRequestRequest req;
    req.set_id(id);
    req.set_reason(reason);
    v1::ServiceRequest r;
    auto ctx = Authed(token);
    return v1::PrintService::NewStub(ch_)->DeclineServiceRequest(ctx.get(), req,
                                                                 &r);
  }

  grpc::Status Withdraw(const std::string& token, int64_t id) {
    v1::WithdrawServiceRequestRequest req;
    req.set_id(id);
    v1::ServiceRequest r;
    auto ctx = Authed(token);
    return v1::PrintService::NewStub(ch_)->WithdrawServiceRequest(ctx.get(),
                                                                  req, &r);
  }

  // `briefer` records a briefing that qualifies `login`.
  void BriefBy(const std::string& briefer, const std::string& cls,
               const std::string& login) {
    v1::RecordBriefingRequest req;
    req.set_machine_class(cls);
    req.add_participant_logins(login);
    v1::Briefing b;
    auto ctx = Authed(briefer);
    grpc::Status s =
        v1::Trainings::NewStub(ch_)->RecordBriefing(ctx.get(), req, &b);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  int64_t Accepted() {
    int64_t n = 0;
    (void)absl::SimpleAtoi(SimState("printer")["accepted"], &n);
    return n;
  }

  bool WaitForRequest(const std::string& token, int64_t id,
                      v1::ServiceRequestState state) {
    return WaitUntil(
        [&] {
          v1::ServiceRequest r;
          return Get(token, id, &r).ok() && r.state() == state;
        },
        absl::Seconds(20));
  }

  // A short print without heating: 60 moves inside the envelope.
  static std::string Keyring() {
    std::string p = "G21\nG90\nG28\n";
    for (int i = 0; i < 60; ++i)
      absl::StrAppend(&p, "G1 X", 10 + i, " Y20 F6000\n");
    return p;
  }
};

TEST_F(PrintServiceE2E, AnUnbriefedPersonsPrintRunsUnderTheTrainersUnlock) {
  StartLab();
  ASSERT_FALSE(HasFailure());
  const std::string sam = NewUser("sam", {"participant"});  // never briefed
  v1::ServiceRequest asked;
  grpc::Status s = Submit(sam, "fdm", "a keyring for my daughter, in red",
                          Keyring(), &asked);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(asked.state(), v1::SERVICE_REQUEST_STATE_WAITING);
  EXPECT_TRUE(asked.preflight().passed());
  EXPECT_EQ(asked.submitter_login(), "sam");

  // The trainer sees the queue with the note and the preflight.
  BriefBy(admin_, "fdm", "tom");
  const auto queue = List(tom_, v1::SERVICE_REQUEST_STATE_WAITING);
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].id(), asked.id());
  EXPECT_EQ(queue[0].note(), "a keyring for my daughter, in red");
  EXPECT_GT(queue[0].preflight().line_count(), 60);

  // Not before the trainer unlocked the printer.
  s = Start(tom_, asked.id(), "printer-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("locked"));
  // Not on a machine of another class.
  s = Start(tom_, asked.id(), "laser-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("asks for fdm"));

  BookNowAndCheckIn(tom_, "printer-1");
  ASSERT_TRUE(Unlock(tom_, "printer-1").ok());
  const int64_t before = Accepted();
  v1::ServiceRequest started;
  s = Start(tom_, asked.id(), "printer-1", &started);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(started.started_by_login(), "tom");
  EXPECT_EQ(started.machine_id(), "printer-1");
  ASSERT_NE(started.job_id(), 0);

  // The program reaches the printer; the job is the submitter's.
  EXPECT_TRUE(WaitForRequest(sam, asked.id(), v1::SERVICE_REQUEST_STATE_DONE));
  EXPECT_TRUE(
      WaitUntil([&] { return Accepted() - before >= 63; }, absl::Seconds(5)))
      << "the printer accepted " << Accepted() - before << " lines";
  const v1::Job job = GetJob(started.job_id());
  EXPECT_EQ(job.owner_login(), "sam");
  EXPECT_EQ(job.state(), v1::JOB_STATE_COMPLETED);
  EXPECT_EQ(job.file_name(), "keyring.gcode");

  // The submitter sees it done, and who ran it.
  v1::ServiceRequest seen;
  ASSERT_TRUE(Get(sam, asked.id(), &seen).ok());
  EXPECT_EQ(seen.state(), v1::SERVICE_REQUEST_STATE_DONE);
  EXPECT_EQ(seen.started_by_login(), "tom");
  EXPECT_EQ(seen.job_id(), started.job_id());

  // Started once only.
  s = Start(tom_, asked.id(), "printer-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  const auto audit = AuditLines();
  const std::string subject = absl::StrCat("service/", asked.id());
  auto has = [&](const std::string& prefix) {
    return std::any_of(audit.begin(), audit.end(), [&](const std::string& l) {
      return absl::StartsWith(l, prefix);
    });
  };
  EXPECT_TRUE(has("service.submit " + subject));
  EXPECT_TRUE(has(absl::StrCat("service.start ", subject, ": job/",
                               started.job_id(), " on printer-1 for sam")));
}

TEST_F(PrintServiceE2E, DeclinedWithAReasonWithdrawnAndLimited) {
  StartLab();
  ASSERT_FALSE(HasFailure());
  v1::ServiceRequest first, second, third;
  ASSERT_TRUE(Submit(bob_, "fdm", "please", Keyring(), &first).ok());
  ASSERT_TRUE(Submit(bob_, "fdm", "", Keyring(), &second).ok());
  ASSERT_TRUE(Submit(bob_, "fdm", "", Keyring(), &third).ok());
  // Three waiting is the default limit.
  grpc::Status s = Submit(bob_, "fdm", "", Keyring());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(), HasSubstr("the limit is 3"));

  // A decline needs its reason, which the submitter then reads.
  s = Decline(tom_, first.id(), "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Decline(tom_, first.id(), "too big for our printer").ok());
  v1::ServiceRequest seen;
  ASSERT_TRUE(Get(bob_, first.id(), &seen).ok());
  EXPECT_EQ(seen.state(), v1::SERVICE_REQUEST_STATE_DECLINED);
  EXPECT_EQ(seen.decline_reason(), "too big for our printer");
  EXPECT_EQ(seen.started_by_login(), "tom");
  s = Start(tom_, first.id(), "printer-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("declined"));

  // Only the submitter withdraws, and only while it waits.
  s = Withdraw(pia_, second.id());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Withdraw(bob_, second.id()).ok());
  s = Withdraw(bob_, second.id());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Get(bob_, second.id(), &seen).ok());
  EXPECT_EQ(seen.state(), v1::SERVICE_REQUEST_STATE_WITHDRAWN);

  // Two places are free again.
  EXPECT_TRUE(Submit(bob_, "fdm", "", Keyring()).ok());

  // A file that fails preflight is refused at once and nothing is queued.
  s = Submit(pia_, "fdm", "", "G1 X400 Y20 F1200\n");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("nothing was queued"));
  EXPECT_TRUE(List(pia_).empty());
  // An unknown class names the lab's classes.
  s = Submit(pia_, "resin", "", Keyring());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("fdm"));

  const auto audit = AuditActions();
  EXPECT_NE(std::find(audit.begin(), audit.end(),
                      absl::StrCat("service.decline service/", first.id())),
            audit.end());
  EXPECT_NE(std::find(audit.begin(), audit.end(),
                      absl::StrCat("service.withdraw service/", second.id())),
            audit.end());
}

TEST_F(PrintServiceE2E, ParticipantsNeitherStartNorSeeOthersRequests) {
  StartLab();
  ASSERT_FALSE(HasFailure());
  v1::ServiceRequest bobs, pias;
  ASSERT_TRUE(Submit(bob_, "fdm", "bob's", Keyring(), &bobs).ok());
  ASSERT_TRUE(Submit(pia_, "fdm", "pia's", Keyring(), &pias).ok());
  // Pia is qualified and has the printer unlocked: still not hers to run.
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  grpc::Status s = Start(pia_, bobs.id(), "printer-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  s = Decline(pia_, bobs.id(), "no");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ServiceRequest seen;
  s = Get(pia_, bobs.id(), &seen);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const auto mine = List(pia_);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id(), pias.id());
  // Trainers see both.
  EXPECT_EQ(List(tom_).size(), 2u);
}

TEST_F(PrintServiceE2E, AnUntrainedTrainerCannotStartIt) {
  StartLab();
  ASSERT_FALSE(HasFailure());
  v1::ServiceRequest asked;
  ASSERT_TRUE(Submit(bob_, "fdm", "", Keyring(), &asked).ok());
  // Tom may book and unlock the printer as a trainer, but was never briefed
  // on it.
  BookNowAndCheckIn(tom_, "printer-1");
  ASSERT_TRUE(Unlock(tom_, "printer-1").ok());
  grpc::Status s = Start(tom_, asked.id(), "printer-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("fdm"));
  v1::ServiceRequest seen;
  ASSERT_TRUE(Get(bob_, asked.id(), &seen).ok());
  EXPECT_EQ(seen.state(), v1::SERVICE_REQUEST_STATE_WAITING);
  EXPECT_EQ(seen.job_id(), 0);
  // Nothing was started.
  EXPECT_EQ(GetMachine("printer-1").state(), v1::MACHINE_STATE_UNLOCKED);
  EXPECT_EQ(GetMachine("printer-1").job_id(), 0);
  const auto audit = AuditActions();
  EXPECT_NE(
      std::find(audit.begin(), audit.end(),
                absl::StrCat("service.start_refused service/", asked.id())),
      audit.end());
}

TEST_F(PrintServiceE2E, TheQueueSurvivesARestart) {
  StartLab();
  ASSERT_FALSE(HasFailure());
  v1::ServiceRequest asked, declined;
  ASSERT_TRUE(Submit(bob_, "fdm", "by Friday, please", Keyring(), &asked).ok());
  ASSERT_TRUE(Submit(bob_, "fdm", "", Keyring(), &declined).ok());
  ASSERT_TRUE(Decline(tom_, declined.id(), "no supports allowed").ok());
  ASSERT_EQ(daemon_->Stop(), 0);
  StartDaemon();
  const auto queue = List(tom_);
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue[1].id(), asked.id());
  EXPECT_EQ(queue[1].state(), v1::SERVICE_REQUEST_STATE_WAITING);
  EXPECT_EQ(queue[1].note(), "by Friday, please");
  EXPECT_EQ(queue[1].sha256(), asked.sha256());
  EXPECT_EQ(queue[0].state(), v1::SERVICE_REQUEST_STATE_DECLINED);
  EXPECT_EQ(queue[0].decline_reason(), "no supports allowed");
  // And it still runs from its stored file.
  BriefBy(admin_, "fdm", "tom");
  BookNowAndCheckIn(tom_, "printer-1");
  WaitForState("printer-1", v1::MACHINE_STATE_LOCKED);
  ASSERT_TRUE(Unlock(tom_, "printer-1").ok());
  grpc::Status s = Start(tom_, asked.id(), "printer-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(WaitForRequest(bob_, asked.id(), v1::SERVICE_REQUEST_STATE_DONE));
}

TEST_F(PrintServiceE2E, TheImpactReportCountsItsHoursAsPrintService) {
  StartLab(0, 3000, "privacy { min_group_size: 2 }\n");
  ASSERT_FALSE(HasFailure());
  v1::ServiceRequest bobs, pias;
  ASSERT_TRUE(Submit(bob_, "fdm", "", Keyring(), &bobs).ok());
  ASSERT_TRUE(Submit(pia_, "fdm", "", Keyring(), &pias).ok());
  // Staff run both under a staff unlock (no reservation).
  BriefBy(tom_, "fdm", "admin");
  ASSERT_TRUE(Unlock(admin_, "printer-1").ok());
  for (int64_t id : {bobs.id(), pias.id()}) {
    ASSERT_TRUE(WaitForState("printer-1", v1::MACHINE_STATE_UNLOCKED));
    grpc::Status s = Start(admin_, id, "printer-1");
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_TRUE(WaitForRequest(admin_, id, v1::SERVICE_REQUEST_STATE_DONE));
  }
  v1::GetImpactReportRequest req;
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  req.set_year(
      static_cast<int32_t>(absl::ToCivilYear(absl::Now(), berlin).year()));
  v1::ImpactReport report;
  auto ctx = Authed(admin_);
  grpc::Status s =
      v1::Reports::NewStub(ch_)->GetImpactReport(ctx.get(), req, &report);
  ASSERT_TRUE(s.ok()) << s.error_message();
  bool found = false;
  for (const auto& t : report.tables()) {
    if (t.name() != "machine_hours_by_purpose") continue;
    for (const auto& row : t.rows()) {
      if (row.key() != "print_service") continue;
      found = true;
      ASSERT_EQ(row.cells_size(), 2);
      EXPECT_FALSE(row.cells(0).suppressed());
      EXPECT_GT(row.cells(0).value(), 0.0);
      EXPECT_FALSE(row.cells(1).suppressed());
      EXPECT_EQ(row.cells(1).value(), 2.0);  // bob and pia
    }
  }
  EXPECT_TRUE(found) << "no print_service row in machine hours by purpose";
}

}  // namespace
}  // namespace werkbank::testing
