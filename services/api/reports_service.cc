// SPDX-License-Identifier: EUPL-1.2
// Reports RPCs -> reports::UsageReports and the calendar export.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "services/reports/calendar.h"
#include "status.h"

namespace werkbank::api {
namespace {

absl::StatusOr<std::pair<absl::Time, absl::Time>> Range(const v1::TimeRange& r,
                                                        bool present) {
  if (!present) return absl::InvalidArgumentError("range is required");
  auto from = FromProto(r.start(), r.has_start(), "range.start");
  if (!from.ok()) return from.status();
  auto to = FromProto(r.end(), r.has_end(), "range.end");
  if (!to.ok()) return to.status();
  return std::make_pair(*from, *to);
}

}  // namespace

grpc::Status ReportsService::GetUsageReport(
    grpc::ServerContext* ctx, const v1::GetUsageReportRequest* req,
    v1::UsageReport* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Reports/GetUsageReport");
  auto range = Range(req->range(), req->has_range());
  if (!range.ok()) return ToGrpcStatus(range.status());
  auto rows = domain_.reports.Report(actor, range->first, range->second);
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  for (const auto& r : *rows) {
    auto* row = resp->add_rows();
    row->set_dimension(r.dimension);
    row->set_key(r.key);
    row->set_value(r.value);
  }
  return grpc::Status::OK;
}

grpc::Status ReportsService::ExportUserUsage(
    grpc::ServerContext* ctx, const v1::ExportUserUsageRequest* req,
    v1::ExportUserUsageResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Reports/ExportUserUsage");
  auto range = Range(req->range(), req->has_range());
  if (!range.ok()) return ToGrpcStatus(range.status());
  auto csv = domain_.reports.PerUserCsv(actor, range->first, range->second);
  if (!csv.ok()) return ToGrpcStatus(csv.status());
  resp->set_csv(*csv);
  return grpc::Status::OK;
}

grpc::Status ReportsService::ExportCalendar(
    grpc::ServerContext* ctx, const v1::ExportCalendarRequest* req,
    v1::ExportCalendarResponse* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Reports/ExportCalendar");
  booking::ListQuery q;
  q.machine_id = req->machine_id();
  // Staff export a machine's bookings; everyone else their own.
  q.all_users = !req->machine_id().empty() && actor.IsStaff();
  if (!req->machine_id().empty() && !actor.IsStaff()) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "only staff export a machine's calendar; leave out the "
                        "machine for yours");
  }
  q.from = domain_.clock.Now() - absl::Hours(24 * 30);
  auto rows = domain_.bookings.List(actor, q);
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  resp->set_ics(reports::ToIcs(*rows, domain_.config.lab_name(),
                               domain_.config.time_zone(),
                               domain_.clock.Now()));
  return grpc::Status::OK;
}

}  // namespace werkbank::api
