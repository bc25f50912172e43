// SPDX-License-Identifier: EUPL-1.2
// Reports/GetImpactReport -> reports::ImpactReports. Suppressed cells leave
// the daemon without their value.
#include "convert.h"
#include "rpc_policy.h"
#include "services.h"
#include "status.h"

namespace werkbank::api {

grpc::Status ReportsService::GetImpactReport(
    grpc::ServerContext* ctx, const v1::GetImpactReportRequest* req,
    v1::ImpactReport* resp) {
  WERKBANK_AUTHORIZE(actor, ctx, "Reports/GetImpactReport");
  absl::StatusOr<reports::ImpactReport> report;
  if (req->has_range()) {
    auto from = FromProto(req->range().start(), req->range().has_start(),
                          "range.start");
    if (!from.ok()) return ToGrpcStatus(from.status());
    auto to =
        FromProto(req->range().end(), req->range().has_end(), "range.end");
    if (!to.ok()) return ToGrpcStatus(to.status());
    report = domain_.impact.Report(actor, *from, *to);
  } else if (req->period_case() == v1::GetImpactReportRequest::kYear) {
    report = domain_.impact.Year(actor, req->year());
  } else {
    return ToGrpcStatus(
        absl::InvalidArgumentError("give a year or a range for the report"));
  }
  if (!report.ok()) return ToGrpcStatus(report.status());
  resp->set_lab_name(domain_.config.lab_name());
  resp->set_time_zone(domain_.config.time_zone());
  *resp->mutable_range()->mutable_start() = ToProto(report->from);
  *resp->mutable_range()->mutable_end() = ToProto(report->to);
  resp->set_min_group_size(report->min_group_size);
  for (const reports::Grid& g : report->tables) {
    auto* t = resp->add_tables();
    t->set_name(g.name);
    t->set_totals(g.total_row);
    for (const auto& c : g.column_keys) t->add_columns(c);
    for (size_t r = 0; r < g.row_keys.size(); ++r) {
      auto* row = t->add_rows();
      row->set_key(g.row_keys[r]);
      for (const reports::Cell& c : g.cells[r]) {
        auto* cell = row->add_cells();
        // Why a cell is hidden stays here: a reader who knew which hidden
        // cells are small would know the others are not, and could pin one.
        if (c.suppressed) {
          cell->set_suppressed(true);
        } else {
          cell->set_value(c.value);
        }
      }
    }
  }
  for (const store::VisitRecord& v : report->workshops) {
    auto* w = resp->add_workshops();
    *w->mutable_start() = ToProto(v.start);
    w->set_duration_minutes(v.duration_minutes);
    w->set_group_type(v.group_type);
    w->set_topic(v.topic);
    for (const auto& c : v.machine_classes) w->add_machine_classes(c);
  }
  return grpc::Status::OK;
}

}  // namespace werkbank::api
