// SPDX-License-Identifier: EUPL-1.2
// Reports and the calendar against the real daemon: the ICS export parses
// back to the bookings, the usage report counts what happened, the
// per-user export is for staff only and audited, and the impact report's
// hidden cells all read alike.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "absl/strings/str_split.h"
#include "lab_fixture.h"
#include "werkbank/v1/audit.grpc.pb.h"
#include "werkbank/v1/bookings.grpc.pb.h"
#include "werkbank/v1/reports.grpc.pb.h"
#include "werkbank/v1/trainings.grpc.pb.h"
#include "werkbank/v1/visits.grpc.pb.h"

namespace werkbank::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

// Unfolds RFC 5545 content lines and returns the properties of each VEVENT.
std::vector<std::map<std::string, std::string>> ParseIcs(
    const std::string& ics) {
  std::vector<std::string> lines;
  for (absl::string_view raw : absl::StrSplit(ics, "\r\n")) {
    if (!raw.empty() && raw[0] == ' ' && !lines.empty()) {
      lines.back() += std::string(raw.substr(1));
    } else if (!raw.empty()) {
      lines.emplace_back(raw);
    }
  }
  std::vector<std::map<std::string, std::string>> events;
  for (const auto& l : lines) {
    if (l == "BEGIN:VEVENT") events.emplace_back();
    const size_t colon = l.find(':');
    if (!events.empty() && colon != std::string::npos)
      events.back()[l.substr(0, colon)] = l.substr(colon + 1);
  }
  return events;
}

class ReportsE2E : public LabE2E {
 protected:
  void SetUp() override {
    StartDaemonAndLogIn();
    tina_ = NewUser("tina", {"trainer"});
    anna_ = NewUser("anna", {"participant"});
    v1::RecordBriefingRequest brief;
    brief.set_machine_class("laser");
    brief.add_participant_logins("anna");
    v1::Briefing b;
    auto ctx = Authed(tina_);
    ASSERT_TRUE(
        v1::Trainings::NewStub(ch_)->RecordBriefing(ctx.get(), brief, &b).ok());
    v1::CreateReservationRequest req;
    req.set_machine_id("laser-1");
    req.set_note("name plates; for the school, class 7b");
    *req.mutable_time()->mutable_start() = Ts(BerlinTomorrowAt(10));
    *req.mutable_time()->mutable_end() = Ts(BerlinTomorrowAt(11, 30));
    v1::CreateReservationResponse made;
    auto bctx = Authed(anna_);
    ASSERT_TRUE(v1::Bookings::NewStub(ch_)
                    ->CreateReservation(bctx.get(), req, &made)
                    .ok());
  }

  std::string tina_, anna_;
};

TEST_F(ReportsE2E, TheCalendarParsesBackToTheBookings) {
  v1::ExportCalendarResponse resp;
  auto ctx = Authed(anna_);
  ASSERT_TRUE(
      v1::Reports::NewStub(ch_)
          ->ExportCalendar(ctx.get(), v1::ExportCalendarRequest(), &resp)
          .ok());
  EXPECT_EQ(resp.ics().rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 0), 0u);
  EXPECT_THAT(resp.ics(), HasSubstr("X-WR-TIMEZONE:Europe/Berlin\r\n"));
  for (absl::string_view line : absl::StrSplit(resp.ics(), "\r\n"))
    EXPECT_LE(line.size(), 75u);
  const auto events = ParseIcs(resp.ics());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("DTSTART"),
            absl::FormatTime("%Y%m%dT%H%M%SZ", BerlinTomorrowAt(10),
                             absl::UTCTimeZone()));
  EXPECT_EQ(events[0].at("DTEND"),
            absl::FormatTime("%Y%m%dT%H%M%SZ", BerlinTomorrowAt(11, 30),
                             absl::UTCTimeZone()));
  EXPECT_THAT(events[0].at("SUMMARY"), HasSubstr("laser-1"));
  EXPECT_THAT(events[0].at("DESCRIPTION"),
              HasSubstr("name plates\\; for the school\\, class 7b"));
  EXPECT_EQ(events[0].at("STATUS"), "CONFIRMED");
  // A machine's calendar is for staff.
  v1::ExportCalendarRequest machine;
  machine.set_machine_id("laser-1");
  auto mctx = Authed(anna_);
  EXPECT_EQ(v1::Reports::NewStub(ch_)
                ->ExportCalendar(mctx.get(), machine, &resp)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto sctx = Authed(admin_);
  ASSERT_TRUE(v1::Reports::NewStub(ch_)
                  ->ExportCalendar(sctx.get(), machine, &resp)
                  .ok());
  EXPECT_EQ(ParseIcs(resp.ics()).size(), 1u);
}

TEST_F(ReportsE2E, TheUsageReportCountsWhatHappened) {
  v1::GetUsageReportRequest req;
  *req.mutable_range()->mutable_start() = Ts(absl::Now() - absl::Hours(24));
  *req.mutable_range()->mutable_end() = Ts(absl::Now() + absl::Hours(72));
  v1::UsageReport report;
  auto ctx = Authed(tina_);
  ASSERT_TRUE(
      v1::Reports::NewStub(ch_)->GetUsageReport(ctx.get(), req, &report).ok());
  std::map<std::string, double> figures;
  for (const auto& r : report.rows())
    figures[r.dimension() + "/" + r.key()] = r.value();
  const std::string month =
      absl::FormatTime("%Y-%m", absl::Now(), absl::UTCTimeZone());
  EXPECT_EQ(figures["briefings/laser " + month], 1);
  EXPECT_EQ(figures["people_qualified/laser " + month], 1);
  EXPECT_EQ(figures["bookings_by_group/citizen"], 1);
  EXPECT_EQ(figures["people/first-time"], 1);
  const absl::CivilHour h = absl::ToCivilHour(BerlinTomorrowAt(10), [] {
    absl::TimeZone z;
    absl::LoadTimeZone("Europe/Berlin", &z);
    return z;
  }());
  static const char* kDays[] = {"Mon", "Tue", "Wed", "Thu",
                                "Fri", "Sat", "Sun"};
  EXPECT_EQ(
      figures[std::string("bookings_by_weekday_hour/") +
              kDays[static_cast<int>(absl::GetWeekday(absl::CivilDay(h)))] +
              " 10:00"],
      1);
  // Participants get no report.
  auto pctx = Authed(anna_);
  EXPECT_EQ(v1::Reports::NewStub(ch_)
                ->GetUsageReport(pctx.get(), req, &report)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReportsE2E, ThePerUserExportIsForStaffAndAudited) {
  v1::ExportUserUsageRequest req;
  *req.mutable_range()->mutable_start() = Ts(absl::Now() - absl::Hours(24));
  *req.mutable_range()->mutable_end() = Ts(absl::Now() + absl::Hours(72));
  v1::ExportUserUsageResponse resp;
  auto tctx = Authed(tina_);
  EXPECT_EQ(v1::Reports::NewStub(ch_)
                ->ExportUserUsage(tctx.get(), req, &resp)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto ctx = Authed(admin_);
  ASSERT_TRUE(
      v1::Reports::NewStub(ch_)->ExportUserUsage(ctx.get(), req, &resp).ok());
  EXPECT_THAT(
      resp.csv(),
      HasSubstr("login,group,bookings,no_shows,jobs_completed,job_hours\n"));
  EXPECT_THAT(resp.csv(), HasSubstr("anna,citizen,1,0,0,0.00\n"));
  v1::ListAuditEventsRequest list;
  list.set_limit(1000);
  v1::ListAuditEventsResponse events;
  auto actx = Authed(admin_);
  ASSERT_TRUE(
      v1::Audit::NewStub(ch_)->ListAuditEvents(actx.get(), list, &events).ok());
  std::vector<std::string> actions;
  for (const auto& e : events.events())
    actions.push_back(e.action() + " by " + e.actor());
  EXPECT_THAT(actions, Contains("report.per_user_export by admin"));
}

// A school class of 12 and a club of 3: the club's figure is hidden, and
// one more so that the total does not give it away. The answer does not say
// which of the two is the small one: a reader who knew would know the other
// is not 1 to 4, and could pin both.
TEST_F(ReportsE2E, TheImpactReportDoesNotSayWhyACellIsHidden) {
  const absl::Time start = absl::Now() - absl::Hours(2);
  for (const auto& [group, count] : std::vector<std::pair<std::string, int>>{
           {"school_class", 12}, {"club", 3}}) {
    v1::RecordVisitRequest req;
    *req.mutable_visit()->mutable_start() = Ts(start);
    req.mutable_visit()->set_duration_minutes(60);
    req.mutable_visit()->set_group_type(group);
    req.mutable_visit()->set_head_count(count);
    v1::Visit made;
    auto ctx = Authed(admin_);
    grpc::Status s =
        v1::Visits::NewStub(ch_)->RecordVisit(ctx.get(), req, &made);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::GetImpactReportRequest req;
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  req.set_year(static_cast<int32_t>(absl::ToCivilYear(start, berlin).year()));
  v1::ImpactReport report;
  auto ctx = Authed(admin_);
  grpc::Status s =
      v1::Reports::NewStub(ch_)->GetImpactReport(ctx.get(), req, &report);
  ASSERT_TRUE(s.ok()) << s.error_message();

  int hidden_by_group = 0, hidden = 0;
  for (const auto& t : report.tables()) {
    for (const auto& row : t.rows()) {
      for (const auto& cell : row.cells()) {
        if (!cell.suppressed()) continue;
        ++hidden;
        if (t.name() == "visits_by_group") ++hidden_by_group;
        EXPECT_FALSE(cell.secondary()) << t.name() << " " << row.key();
        EXPECT_EQ(cell.value(), 0.0) << t.name() << " " << row.key();
      }
    }
  }
  EXPECT_GE(hidden_by_group, 2) << "the club's 3 and one that protects it";
  EXPECT_GT(hidden, hidden_by_group);
}

}  // namespace
}  // namespace werkbank::testing
