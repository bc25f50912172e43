// SPDX-License-Identifier: EUPL-1.2
// Slicers sending jobs: the exact request sequences of PrusaSlicer's
// "Test", "Send to printer" and "Upload and print" and of Cura's
// OctoPrintPlugin, replayed with a plain HTTPS client against the real
// werkbankd and simulated machines, with a personal API key. A print starts
// only where the person may start it right now; otherwise the upload is
// kept and the slicer shows a sentence saying what to do.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "machine_fixture.h"
#include "web_client.h"
#include "werkbank/v1/apikeys.grpc.pb.h"
#include "werkbank/v1/privacy.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kBoundary[] = "------------------------werkbank0c7a";

// A short print: heat, home, a few moves.
std::string PrintProgram(int moves = 40) {
  std::string p = "M104 S205\nM140 S60\nG28\n";
  for (int i = 0; i < moves; ++i) {
    absl::StrAppend(&p, "G1 X", 10 + i % 100, " Y20 F1200\n");
  }
  return p;
}

std::string Part(const std::string& name, const std::string& value) {
  return absl::StrCat("--", kBoundary,
                      "\r\nContent-Disposition: form-data; name=\"", name,
                      "\"\r\n\r\n", value, "\r\n");
}

std::string FilePart(const std::string& file_name, const std::string& data) {
  return absl::StrCat("--", kBoundary,
                      "\r\nContent-Disposition: form-data; name=\"file\"; "
                      "filename=\"",
                      file_name,
                      "\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                      data, "\r\n");
}

std::string End() { return absl::StrCat("--", kBoundary, "--\r\n"); }

class OctoPrintE2E : public MachineE2E {
 protected:
  void SetUp() override {
    StartLab(0, 3000, "jobs { max_upload_bytes: 1048576 }\n");
    ASSERT_FALSE(HasFatalFailure());
    web_ =
        std::make_unique<WebClient>(daemon_->web_port(), daemon_->cert_pem());
  }

  std::string NewKey(const std::string& token, const std::string& label) {
    v1::CreateApiKeyRequest req;
    req.set_label(label);
    v1::CreateApiKeyResponse out;
    auto ctx = Authed(token);
    grpc::Status s =
        v1::ApiKeys::NewStub(ch_)->CreateApiKey(ctx.get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    last_key_id_ = out.key().id();
    return out.secret();
  }

  static std::string Base(const std::string& machine) {
    return "/machines/" + machine + "/";
  }

  WebResponse Get(const std::string& key, const std::string& machine,
                  const std::string& api) {
    return web_->Send("GET", Base(machine) + api, {{"X-Api-Key", key}});
  }

  // PrusaSlicer's "Test" button: GET api/version with the key.
  WebResponse PrusaTest(const std::string& key, const std::string& machine) {
    return Get(key, machine, "api/version");
  }

  // PrusaSlicer's "Send to printer" / "Upload and print": the test first,
  // then the form with print, path and the file (in that order).
  WebResponse PrusaUpload(const std::string& key, const std::string& machine,
                          const std::string& program, bool print,
                          const std::string& name = "box_0.2mm_PLA.gcode") {
    WebResponse test = PrusaTest(key, machine);
    if (test.status != 200) return test;
    const std::string body = Part("print", print ? "true" : "false") +
                             Part("path", "") + FilePart(name, program) + End();
    return web_->Send(
        "POST", Base(machine) + "api/files/local",
        {{"X-Api-Key", key},
         {"Content-Type",
          absl::StrCat("multipart/form-data; boundary=", kBoundary)}},
        body);
  }

  // Cura's OctoPrintPlugin: on connect settings, version, a passive login
  // and the printer profiles; then it polls printer and job; an upload
  // sends path, the file, select and print.
  std::vector<WebResponse> CuraConnect(const std::string& key,
                                       const std::string& machine) {
    std::vector<WebResponse> out;
    out.push_back(Get(key, machine, "api/settings"));
    out.push_back(Get(key, machine, "api/version"));
    out.push_back(
        web_->Send("POST", Base(machine) + "api/login",
                   {{"X-Api-Key", key}, {"Content-Type", "application/json"}},
                   "{\"passive\": true}"));
    out.push_back(Get(key, machine, "api/printerprofiles"));
    out.push_back(Get(key, machine, "api/printer"));
    out.push_back(Get(key, machine, "api/job"));
    return out;
  }

  WebResponse CuraUpload(const std::string& key, const std::string& machine,
                         const std::string& program, bool print) {
    std::string body = Part("path", "") + FilePart("cube.gcode", program);
    if (print) body += Part("select", "true") + Part("print", "true");
    body += End();
    return web_->Send(
        "POST", Base(machine) + "api/files/local",
        {{"X-Api-Key", key},
         {"User-Agent", "Cura/5.7.0 OctoPrintPlugin/3.7.3"},
         {"Content-Type",
          absl::StrCat("multipart/form-data; boundary=", kBoundary)}},
        body);
  }

  std::vector<v1::Job> JobsOf(const std::string& token) {
    v1::ListJobsRequest req;
    v1::ListJobsResponse resp;
    auto ctx = Authed(token);
    EXPECT_TRUE(v1::Jobs::NewStub(ch_)->ListJobs(ctx.get(), req, &resp).ok());
    return {resp.jobs().begin(), resp.jobs().end()};
  }

  int64_t Accepted(const std::string& machine) {
    const std::string a = SimState(machine)["accepted"];
    return a.empty() ? 0 : std::stoll(a);
  }

  std::unique_ptr<WebClient> web_;
  int64_t last_key_id_ = 0;
};

TEST_F(OctoPrintE2E, PrusaSlicerUploadAndPrintStartsForACheckedInPerson) {
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  const std::string key = NewKey(pia_, "PrusaSlicer at home");
  ASSERT_THAT(key, StartsWith("wbk_"));

  // "Test": the host is accepted only when `text` starts with OctoPrint.
  WebResponse test = PrusaTest(key, "printer-1");
  ASSERT_EQ(test.status, 200) << test.body;
  EXPECT_THAT(JsonField(test.body, "text"), StartsWith("OctoPrint"));
  EXPECT_FALSE(JsonField(test.body, "api").empty());

  // "Send to printer": kept, not started.
  const int64_t before = Accepted("printer");
  WebResponse sent = PrusaUpload(key, "printer-1", PrintProgram(), false);
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_THAT(sent.body, HasSubstr("\"effectivePrint\":false"));
  EXPECT_THAT(sent.body, HasSubstr("\"done\":true"));
  EXPECT_THAT(
      sent.body,
      HasSubstr("\"files\":{\"local\":{\"name\":\"box_0.2mm_PLA.gcode\""));
  EXPECT_THAT(
      sent.Header("location"),
      HasSubstr("/machines/printer-1/api/files/local/box_0.2mm_PLA.gcode"));

  // "Upload and print": started, and the printer receives the lines.
  WebResponse printed = PrusaUpload(key, "printer-1", PrintProgram(), true);
  ASSERT_EQ(printed.status, 201) << printed.body;
  EXPECT_THAT(printed.body, HasSubstr("\"effectivePrint\":true"));
  EXPECT_FALSE(printed.Header("location").empty());
  EXPECT_TRUE(
      WaitUntil([&] { return SimState("printer")["hotend_target"] == "205"; },
                absl::Seconds(10)))
      << SimState("printer")["tail"];
  EXPECT_GT(Accepted("printer"), before);

  // Both jobs are Pia's on printer-1: one kept, one running.
  const std::vector<v1::Job> jobs = JobsOf(pia_);
  ASSERT_EQ(jobs.size(), 2u);
  for (const auto& j : jobs) {
    EXPECT_EQ(j.owner_login(), "pia");
    EXPECT_EQ(j.machine_id(), "printer-1");
  }
  // Every use is the person's, via the key.
  const std::vector<std::string> audit = AuditLines();
  int uses = 0, starts = 0;
  for (const auto& line : audit) {
    if (absl::StartsWith(line, "apikey.use") &&
        absl::StrContains(line, "via API key") &&
        absl::StrContains(line, "PrusaSlicer at home")) {
      ++uses;
    }
    if (absl::StartsWith(line, "job.start ") &&
        absl::StrContains(line, "via API key")) {
      ++starts;
    }
  }
  EXPECT_EQ(uses, 3) << "two uploads and one start";
  EXPECT_EQ(starts, 1);
}

TEST_F(OctoPrintE2E, CuraSeesTheRealStateTemperaturesAndProgress) {
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  const std::string key = NewKey(pia_, "Cura");
  ASSERT_TRUE(WaitUntil(
      [&] { return GetMachine("printer-1").temperatures_size() >= 2; },
      absl::Seconds(10)));
  std::vector<WebResponse> connect = CuraConnect(key, "printer-1");
  for (const auto& r : connect) ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(connect[0].body, HasSubstr("\"sdSupport\":false"));
  EXPECT_THAT(JsonField(connect[1].body, "text"), StartsWith("OctoPrint"));
  EXPECT_EQ(JsonField(connect[2].body, "name"), "pia");
  EXPECT_THAT(connect[3].body, HasSubstr("\"_default\""));
  EXPECT_THAT(connect[4].body, HasSubstr("\"operational\":true"));
  EXPECT_THAT(connect[4].body, HasSubstr("\"printing\":false"));
  EXPECT_THAT(connect[4].body, HasSubstr("\"tool0\":{\"actual\":"));
  EXPECT_THAT(connect[4].body, HasSubstr("\"bed\":{\"actual\":"));
  EXPECT_EQ(JsonField(connect[5].body, "state"), "Operational");

  WebResponse up = CuraUpload(key, "printer-1", PrintProgram(3000), true);
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_THAT(up.body, HasSubstr("\"effectivePrint\":true"));

  // The polls follow the machine: printing, the target it was given, and
  // the job with its progress.
  EXPECT_TRUE(WaitUntil(
      [&] {
        WebResponse p = Get(key, "printer-1", "api/printer");
        return absl::StrContains(p.body, "\"printing\":true") &&
               absl::StrContains(p.body, "\"target\":205.0");
      },
      absl::Seconds(10)));
  EXPECT_TRUE(WaitUntil(
      [&] {
        WebResponse j = Get(key, "printer-1", "api/job");
        return JsonField(j.body, "state") == "Printing" &&
               absl::StrContains(j.body, "\"name\":\"cube.gcode\"") &&
               !absl::StrContains(j.body, "\"completion\":null");
      },
      absl::Seconds(10)))
      << Get(key, "printer-1", "api/job").body;
  // Someone else sees that it prints, not what.
  const std::string bobs = NewKey(bob_, "Cura");
  WebResponse other = Get(bobs, "printer-1", "api/job");
  EXPECT_EQ(JsonField(other.body, "state"), "Printing");
  EXPECT_THAT(other.body, HasSubstr("\"name\":null"));
  EXPECT_THAT(other.body, HasSubstr("\"completion\":null"));
}

TEST_F(OctoPrintE2E, AnUnqualifiedPersonsUploadIsKeptAndTheSlicerSaysWhy) {
  // Bob was never briefed on the printer's class.
  const std::string key = NewKey(bob_, "PrusaSlicer");
  WebResponse r = PrusaUpload(key, "printer-1", PrintProgram(), true);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/plain; charset=utf-8");
  const std::vector<v1::Job> jobs = JobsOf(bob_);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].state(), v1::JOB_STATE_UPLOADED);
  EXPECT_THAT(r.body,
              HasSubstr(absl::StrCat("uploaded as job ", jobs[0].id())));
  EXPECT_THAT(r.body, HasSubstr("not briefed on printer-1 (class fdm)"));
  EXPECT_THAT(r.body, HasSubstr("ask a trainer for a briefing"));
  EXPECT_EQ(GetMachine("printer-1").state(), v1::MACHINE_STATE_LOCKED);

  // Cura's upload the same.
  WebResponse cura = CuraUpload(key, "printer-1", PrintProgram(), true);
  EXPECT_EQ(cura.status, 409) << cura.body;
  EXPECT_THAT(cura.body, HasSubstr("not briefed"));
}

TEST_F(OctoPrintE2E, WithoutAReservationTheUploadWaitsForThePerson) {
  const std::string key = NewKey(pia_, "PrusaSlicer");
  WebResponse r = PrusaUpload(key, "printer-1", PrintProgram(), true);
  EXPECT_EQ(r.status, 409) << r.body;
  const std::vector<v1::Job> jobs = JobsOf(pia_);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].state(), v1::JOB_STATE_UPLOADED);
  const std::string id = absl::StrCat(jobs[0].id());
  EXPECT_EQ(
      r.body,
      absl::StrCat("uploaded as job ", id,
                   " to printer-1, not started: you have no reservation "
                   "of printer-1 now — book it, check in, then start "
                   "job ",
                   id, " at the machine (`werkbank job start ", id, "`)\n"));

  // Booked but not checked in; checked in but locked: each says so.
  auto stub = v1::Bookings::NewStub(ch_);
  const absl::Time start =
      absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 60 * 60);
  v1::CreateReservationRequest book;
  book.set_machine_id("printer-1");
  *book.mutable_time()->mutable_start() = Ts(start);
  *book.mutable_time()->mutable_end() = Ts(start + absl::Hours(1));
  v1::CreateReservationResponse made;
  auto ctx = Authed(pia_);
  ASSERT_TRUE(stub->CreateReservation(ctx.get(), book, &made).ok());
  const int64_t rid = made.reservations(0).id();
  WebResponse booked = PrusaUpload(key, "printer-1", PrintProgram(), true);
  EXPECT_EQ(booked.status, 409);
  EXPECT_THAT(booked.body,
              HasSubstr(absl::StrCat("your reservation ", rid,
                                     " of printer-1 is not checked in")));
  v1::CheckInRequest in;
  in.set_id(rid);
  v1::Reservation checked;
  auto ictx = Authed(pia_);
  ASSERT_TRUE(stub->CheckIn(ictx.get(), in, &checked).ok());
  WebResponse locked = PrusaUpload(key, "printer-1", PrintProgram(), true);
  EXPECT_EQ(locked.status, 409);
  EXPECT_THAT(locked.body, HasSubstr("printer-1 is locked — unlock it"));
  EXPECT_EQ(JobsOf(pia_).size(), 3u);
  EXPECT_EQ(GetMachine("printer-1").state(), v1::MACHINE_STATE_LOCKED);
}

TEST_F(OctoPrintE2E, ARevokedUnknownOrOrphanedKeyIsRefused) {
  const std::string key = NewKey(pia_, "old laptop");
  ASSERT_EQ(PrusaTest(key, "printer-1").status, 200);
  v1::RevokeApiKeyRequest rev;
  rev.set_id(last_key_id_);
  v1::ApiKey revoked;
  auto ctx = Authed(pia_);
  ASSERT_TRUE(
      v1::ApiKeys::NewStub(ch_)->RevokeApiKey(ctx.get(), rev, &revoked).ok());
  EXPECT_TRUE(revoked.has_revoked_at());

  WebResponse test = PrusaTest(key, "printer-1");
  EXPECT_EQ(test.status, 403);
  EXPECT_THAT(test.body, HasSubstr("this API key is not valid"));
  const std::string body =
      Part("print", "true") + FilePart("a.gcode", PrintProgram()) + End();
  WebResponse up =
      web_->Send("POST", "/machines/printer-1/api/files/local",
                 {{"X-Api-Key", key},
                  {"Content-Type",
                   absl::StrCat("multipart/form-data; boundary=", kBoundary)}},
                 body);
  EXPECT_EQ(up.status, 403) << up.body;
  EXPECT_TRUE(JobsOf(pia_).empty());

  // No key, a made-up one, one in the query (as OctoPrint accepts).
  WebResponse none = web_->Send("GET", "/machines/printer-1/api/version", {});
  EXPECT_EQ(none.status, 403);
  EXPECT_THAT(none.body, HasSubstr("needs your werkbank API key"));
  EXPECT_EQ(PrusaTest("wbk_madeup", "printer-1").status, 403);
  const std::string fresh = NewKey(pia_, "query");
  EXPECT_EQ(
      web_->Send("GET", "/machines/printer-1/api/version?apikey=" + fresh, {})
          .status,
      200);

  // A key cannot manage keys or accounts, even its own.
  v1::CreateApiKeyRequest more;
  more.set_label("more");
  v1::CreateApiKeyResponse out;
  auto kctx = Authed(fresh);
  grpc::Status s =
      v1::ApiKeys::NewStub(ch_)->CreateApiKey(kctx.get(), more, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Anonymising the person deletes their keys.
  v1::AnonymiseUserRequest anon;
  anon.set_login("pia");
  anon.set_reason("asked to be forgotten");
  v1::AnonymiseUserResponse done;
  auto actx = Authed(admin_);
  ASSERT_TRUE(
      v1::Privacy::NewStub(ch_)->AnonymiseUser(actx.get(), anon, &done).ok());
  EXPECT_EQ(PrusaTest(fresh, "printer-1").status, 403);
}

TEST_F(OctoPrintE2E, AWrongMachineIsNotFound) {
  const std::string key = NewKey(pia_, "PrusaSlicer");
  WebResponse test = PrusaTest(key, "printer-9");
  EXPECT_EQ(test.status, 404);
  EXPECT_THAT(test.body, HasSubstr("printer-9"));
  WebResponse up = PrusaUpload(key, "printer-9", PrintProgram(), true);
  EXPECT_EQ(up.status, 404);
  WebResponse bare = web_->Send("GET", "/machines/", {{"X-Api-Key", key}});
  EXPECT_EQ(bare.status, 404);
  EXPECT_THAT(bare.body, HasSubstr("/machines/<machine-id>/"));
  EXPECT_EQ(Get(key, "printer-1", "api/plugin/anything").status, 404);
  EXPECT_TRUE(JobsOf(pia_).empty());
}

TEST_F(OctoPrintE2E, AnOversizedFileIsRefusedWithASentence) {
  BookNowAndCheckIn(pia_, "printer-1");
  ASSERT_TRUE(Unlock(pia_, "printer-1").ok());
  const std::string key = NewKey(pia_, "PrusaSlicer");
  std::string big = PrintProgram();
  while (big.size() < (1u << 20) + 4096) big += "G1 X10 Y10 F1200\n";
  // Within the form's allowance on the wire: refused as the file streams.
  WebResponse streamed = PrusaUpload(key, "printer-1", big, true);
  EXPECT_EQ(streamed.status, 413) << streamed.body;
  EXPECT_THAT(streamed.body,
              HasSubstr("larger than the lab's upload limit of 1 MiB"));
  // Far over: refused from its length, before the body.
  while (big.size() < (3u << 20)) big += big.substr(0, 1 << 20);
  WebResponse announced = PrusaUpload(key, "printer-1", big, true);
  EXPECT_EQ(announced.status, 413) << announced.body << announced.error;
  EXPECT_THAT(announced.body, HasSubstr("upload limit"));
  EXPECT_TRUE(JobsOf(pia_).empty());
  EXPECT_EQ(GetMachine("printer-1").state(), v1::MACHINE_STATE_UNLOCKED);
  // The daemon keeps serving the slicer.
  WebResponse ok = PrusaUpload(key, "printer-1", PrintProgram(), false);
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_F(OctoPrintE2E, ALaserNeverStartsFromASlicer) {
  BookNowAndCheckIn(pia_, "laser-1");
  ASSERT_TRUE(Unlock(pia_, "laser-1").ok());
  const std::string key = NewKey(pia_, "LightBurn");
  WebResponse r =
      PrusaUpload(key, "laser-1", LaserProgram(20), true, "plate.gcode");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_THAT(r.body, HasSubstr("kept for you: a laser never starts from a "
                                "slicer"));
  const std::vector<v1::Job> jobs = JobsOf(pia_);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].state(), v1::JOB_STATE_UPLOADED);
  EXPECT_EQ(SimState("laser")["laser_on"], "0");
  EXPECT_EQ(GetMachine("laser-1").state(), v1::MACHINE_STATE_UNLOCKED);
  // At the machine, from her session, it starts.
  EXPECT_TRUE(StartJob(pia_, jobs[0].id()).ok());
}

TEST_F(OctoPrintE2E, APersonHoldsAFewKeysAndStaffSeeAndRevokeThem) {
  for (int i = 0; i < 10; ++i) NewKey(bob_, absl::StrCat("key ", i));
  v1::CreateApiKeyRequest req;
  req.set_label("one more");
  v1::CreateApiKeyResponse out;
  auto ctx = Authed(bob_);
  grpc::Status s =
      v1::ApiKeys::NewStub(ch_)->CreateApiKey(ctx.get(), req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(), HasSubstr("revoke one you no longer use"));

  // Pia sees none of Bob's keys; staff see them all and revoke one.
  v1::ListApiKeysRequest theirs;
  theirs.set_login("bob");
  v1::ListApiKeysResponse list;
  auto pctx = Authed(pia_);
  EXPECT_EQ(v1::ApiKeys::NewStub(ch_)
                ->ListApiKeys(pctx.get(), theirs, &list)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto sctx = Authed(admin_);
  ASSERT_TRUE(
      v1::ApiKeys::NewStub(ch_)->ListApiKeys(sctx.get(), theirs, &list).ok());
  ASSERT_EQ(list.keys_size(), 10);
  EXPECT_THAT(list.keys(0).prefix(), StartsWith("wbk_"));
  v1::RevokeApiKeyRequest rev;
  rev.set_id(list.keys(0).id());
  v1::ApiKey revoked;
  auto pr = Authed(pia_);
  EXPECT_EQ(v1::ApiKeys::NewStub(ch_)
                ->RevokeApiKey(pr.get(), rev, &revoked)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto sr = Authed(admin_);
  ASSERT_TRUE(
      v1::ApiKeys::NewStub(ch_)->RevokeApiKey(sr.get(), rev, &revoked).ok());
  EXPECT_EQ(revoked.owner_login(), "bob");
  auto again = Authed(bob_);
  EXPECT_TRUE(
      v1::ApiKeys::NewStub(ch_)->CreateApiKey(again.get(), req, &out).ok());
}

}  // namespace
}  // namespace werkbank::testing
