// SPDX-License-Identifier: EUPL-1.2
// Visits, the funders' report and privacy against the real daemon and CLI:
// visits are recorded and a workshop booking becomes one; the yearly report
// hides small groups and is written as CSV and as a printable page; a
// person downloads what is stored about them (with their API keys, never
// the key, and their print requests); anonymising them changes no figure,
// `audit verify` passes, and their name, login and card are in neither the
// database file nor its WAL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lab_fixture.h"
#include "services/common/crypto.h"
#include "werkbank/v1/accounts.grpc.pb.h"
#include "werkbank/v1/apikeys.grpc.pb.h"
#include "werkbank/v1/bookings.grpc.pb.h"
#include "werkbank/v1/privacy.grpc.pb.h"
#include "werkbank/v1/service_requests.grpc.pb.h"
#include "werkbank/v1/trainings.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class PrivacyE2E : public LabE2E {
 protected:
  void SetUp() override {
    StartDaemonAndLogIn();
    ASSERT_EQ(Cli({"login", "admin", "--password-stdin"},
                  daemon_->admin_password() + "\n")
                  .exit_code,
              0);
  }

  RunResult Cli(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(),
                {BinPath("werkbank"), "--server", daemon_->address()});
    return RunCommand(args, input,
                      {{"HOME", home_.path()}, {"XDG_CONFIG_HOME", ""}});
  }

  static std::string LabTime(absl::Time t, const char* format) {
    absl::TimeZone berlin;
    absl::LoadTimeZone("Europe/Berlin", &berlin);
    return absl::FormatTime(format, t, berlin);
  }

  TempDir home_;
  TempDir out_;
};

TEST_F(PrivacyE2E, VisitsReportExportAndAnonymisingLeaveNoTrace) {
  const std::string tina = NewUser("tina", {"trainer"});
  ASSERT_EQ(Cli({"user", "add", "annabeth", "--name", "Annabeth Quellmalz",
                 "--group", "school", "--password-stdin"},
                "annabeths password\n")
                .exit_code,
            0);
  ASSERT_EQ(Cli({"user", "card", "annabeth", "--uid", "04:A3:2B:99:7F",
                 "--pin-stdin"},
                "4711\n")
                .exit_code,
            0);
  const std::string anna = Login(ch_, "annabeth", "annabeths password");
  v1::RecordBriefingRequest brief;
  brief.set_machine_class("laser");
  brief.add_participant_logins("annabeth");
  v1::Briefing b;
  auto bctx = Authed(tina);
  ASSERT_TRUE(
      v1::Trainings::NewStub(ch_)->RecordBriefing(bctx.get(), brief, &b).ok());
  auto bookings = v1::Bookings::NewStub(ch_);
  v1::CreateReservationRequest mine;
  mine.set_machine_id("laser-1");
  mine.set_note("Annabeth's name plate");
  *mine.mutable_time()->mutable_start() = Ts(BerlinTomorrowAt(10));
  *mine.mutable_time()->mutable_end() = Ts(BerlinTomorrowAt(11));
  v1::CreateReservationResponse made;
  auto actx = Authed(anna);
  ASSERT_TRUE(bookings->CreateReservation(actx.get(), mine, &made).ok());
  v1::CreateReservationRequest workshop;
  workshop.set_machine_id("laser-1");
  workshop.set_kind(v1::RESERVATION_KIND_WORKSHOP);
  workshop.add_participant_logins("annabeth");
  workshop.set_note("Key rings");
  *workshop.mutable_time()->mutable_start() = Ts(BerlinTomorrowAt(14));
  *workshop.mutable_time()->mutable_end() = Ts(BerlinTomorrowAt(15, 30));
  auto wctx = Authed(tina);
  ASSERT_TRUE(bookings->CreateReservation(wctx.get(), workshop, &made).ok());
  const int64_t workshop_id = made.reservations(0).id();

  // Visits: a school class, a small club evening, and the workshop.
  const absl::Time earlier = absl::Now() - absl::Hours(2);
  const std::string at = LabTime(earlier, "%Y-%m-%d %H:%M");
  RunResult visit = Cli({"visit",     "record",    "--at",    at,
                         "--minutes", "90",        "--group", "school_class",
                         "--count",   "24",        "--ages",  "0,24,0,0,0,0",
                         "--genders", "12,11,1,0", "--first", "20",
                         "--class",   "laser",     "--topic", "Laser basics"});
  ASSERT_EQ(visit.exit_code, 0) << visit.err;
  EXPECT_THAT(visit.out, HasSubstr("school_class, 24 people"));
  ASSERT_EQ(Cli({"visit", "record", "--at", at, "--minutes", "60", "--group",
                 "club", "--count", "3", "--topic", "Robots"})
                .exit_code,
            0);
  RunResult wrong =
      Cli({"visit", "record", "--at", at, "--minutes", "60", "--group", "club",
           "--count", "10", "--ages", "1,2,3,0,0,0"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("the age bands add up to 6 but the "
                                   "head-count is 10"));
  RunResult from = Cli({"visit", "from-reservation", absl::StrCat(workshop_id),
                        "--group", "citizens"});
  ASSERT_EQ(from.exit_code, 0) << from.err;
  EXPECT_THAT(from.out, HasSubstr("citizens, 2 people"));
  EXPECT_THAT(Cli({"visit", "list"}).out, HasSubstr("Laser basics"));

  const std::string year = LabTime(earlier, "%Y");
  RunResult before = Cli({"report", "--year", year});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_THAT(before.out, HasSubstr("× hidden: a figure about fewer than 5 "
                                    "people, or one from which such a figure "
                                    "could be worked out."));
  EXPECT_THAT(before.out, HasSubstr("×")) << "the club's 3 people are hidden";
  EXPECT_THAT(before.out, Not(HasSubstr("<5")));
  const std::string csv_dir = out_.File("csv");
  ASSERT_EQ(Cli({"report", "--year", year, "--csv", csv_dir}).exit_code, 0);
  const std::string groups = ReadBytes(csv_dir + "/visits_by_group.csv");
  EXPECT_THAT(groups, HasSubstr("school_class,1,24"));
  EXPECT_THAT(groups, HasSubstr("club,1,×"));
  EXPECT_TRUE(std::filesystem::exists(csv_dir + "/workshops.csv"));
  const std::string html_file = out_.File("report.html");
  ASSERT_EQ(Cli({"report", "--year", year, "--html", html_file, "--lang", "de"})
                .exit_code,
            0);
  const std::string html = ReadBytes(html_file);
  EXPECT_THAT(html, HasSubstr("Jahresbericht"));
  EXPECT_THAT(html, HasSubstr("× verborgen: eine Angabe zu weniger als 5 "
                              "Personen"));
  EXPECT_THAT(html, Not(HasSubstr("&lt;5")));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("@media print"));
  for (const char* external : {"<script", "src=", "href=", "@import", "url("}) {
    EXPECT_THAT(html, Not(HasSubstr(external))) << external;
  }

  // A key for a slicer, and a print request the trainer declined.
  v1::CreateApiKeyRequest key_req;
  key_req.set_label("LightBurn at home");
  v1::CreateApiKeyResponse key;
  auto kctx = Authed(anna);
  ASSERT_TRUE(
      v1::ApiKeys::NewStub(ch_)->CreateApiKey(kctx.get(), key_req, &key).ok());
  ASSERT_FALSE(key.secret().empty());
  v1::ServiceRequest asked;
  {
    auto ctx = Authed(anna);
    auto writer =
        v1::PrintService::NewStub(ch_)->SubmitServiceRequest(ctx.get(), &asked);
    v1::SubmitServiceRequestRequest part;
    part.mutable_header()->set_machine_class("fdm");
    part.mutable_header()->set_file_name("keyring.gcode");
    part.mutable_header()->set_note("a keyring for Annabeth's sister");
    writer->Write(part);
    part.set_chunk("G21\nG90\nG28\nG1 X10 Y20 F6000\nG1 X30 Y20 F6000\n");
    writer->Write(part);
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::DeclineServiceRequestRequest decline;
  decline.set_id(asked.id());
  decline.set_reason("Annabeth, we print no weapons");
  v1::ServiceRequest declined;
  auto dctx = Authed(tina);
  ASSERT_TRUE(v1::PrintService::NewStub(ch_)
                  ->DeclineServiceRequest(dctx.get(), decline, &declined)
                  .ok());

  // Their own data, and nobody else's.
  auto privacy = v1::Privacy::NewStub(ch_);
  v1::PersonalData data;
  auto ectx = Authed(anna);
  ASSERT_TRUE(privacy->ExportMyData(ectx.get(), {}, &data).ok());
  EXPECT_EQ(data.user().display_name(), "Annabeth Quellmalz");
  EXPECT_EQ(data.reservations_size(), 2);
  EXPECT_EQ(data.qualifications_size(), 1);
  EXPECT_GT(data.audit_events_size(), 0);
  ASSERT_EQ(data.api_keys_size(), 1);
  EXPECT_EQ(data.api_keys(0).id(), key.key().id());
  EXPECT_EQ(data.api_keys(0).label(), "LightBurn at home");
  EXPECT_EQ(data.api_keys(0).prefix(), key.key().prefix());
  EXPECT_TRUE(data.api_keys(0).has_created_at());
  EXPECT_FALSE(data.api_keys(0).has_revoked_at());
  ASSERT_EQ(data.service_requests_size(), 1);
  const v1::ServiceRequest& request = data.service_requests(0);
  EXPECT_EQ(request.id(), asked.id());
  EXPECT_EQ(request.machine_class(), "fdm");
  EXPECT_EQ(request.note(), "a keyring for Annabeth's sister");
  EXPECT_EQ(request.state(), v1::SERVICE_REQUEST_STATE_DECLINED);
  EXPECT_EQ(request.decline_reason(), "Annabeth, we print no weapons");
  EXPECT_TRUE(request.has_created_at());
  EXPECT_TRUE(request.has_decided_at());
  EXPECT_EQ(request.started_by_login(), "") << "tina is another person";
  v1::ExportMyDataRequest other;
  other.set_login("tina");
  auto octx = Authed(anna);
  EXPECT_EQ(privacy->ExportMyData(octx.get(), other, &data).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  RunResult exported = Cli({"user", "export", "annabeth"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_THAT(exported.out,
              HasSubstr("\"display_name\": \"Annabeth Quellmalz\""));
  EXPECT_THAT(exported.out, HasSubstr("\"label\": \"LightBurn at home\""));
  EXPECT_THAT(
      exported.out,
      HasSubstr("\"decline_reason\": \"Annabeth, we print no weapons\""));
  EXPECT_THAT(exported.out, Not(HasSubstr(key.secret())));
  EXPECT_THAT(exported.out, Not(HasSubstr(crypto::Sha256Hex(key.secret()))));
  v1::AnonymiseUserRequest self;
  self.set_login("tina");
  v1::AnonymiseUserResponse gone;
  auto sctx = Authed(anna);
  EXPECT_EQ(privacy->AnonymiseUser(sctx.get(), self, &gone).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  RunResult anonymised =
      Cli({"user", "anonymise", "annabeth", "--reason", "asked by email"});
  ASSERT_EQ(anonymised.exit_code, 0) << anonymised.err;
  EXPECT_THAT(anonymised.out, HasSubstr("is anonymised"));

  EXPECT_EQ(Cli({"report", "--year", year}).out, before.out);
  RunResult verify = Cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  const std::string db = daemon_->state_dir() + "/werkbank.db";
  const std::string bytes = ReadBytes(db) + ReadBytes(db + "-wal");
  ASSERT_FALSE(bytes.empty());
  for (const char* trace :
       {"annabeth", "Annabeth", "Quellmalz", "04:A3:2B:99:7F"}) {
    EXPECT_FALSE(absl::StrContains(bytes, trace)) << trace;
  }
  // Their session ended with the account.
  v1::PersonalData after;
  auto gctx = Authed(anna);
  EXPECT_EQ(privacy->ExportMyData(gctx.get(), {}, &after).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace werkbank::testing
