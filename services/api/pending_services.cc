// Reports: designed in the API, not built yet.
// Each call is authorized like any other, so the roles matrix holds today,
// and then answers UNIMPLEMENTED with a message saying so.
#include "rpc_policy.h"
#include "services.h"
#include "status.h"

namespace werkbank::api {
namespace {

grpc::Status NotYet(const char* what) {
  return grpc::Status(
      grpc::StatusCode::UNIMPLEMENTED,
      std::string(what) + " is not available in this version of werkbank yet");
}

}  // namespace

grpc::Status ReportsService::GetUsageReport(grpc::ServerContext* ctx,
                                            const v1::GetUsageReportRequest*,
                                            v1::UsageReport*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Reports/GetUsageReport");
  (void)actor;
  return NotYet("reporting");
}

grpc::Status ReportsService::ExportUserUsage(grpc::ServerContext* ctx,
                                             const v1::ExportUserUsageRequest*,
                                             v1::ExportUserUsageResponse*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Reports/ExportUserUsage");
  (void)actor;
  return NotYet("reporting");
}

grpc::Status ReportsService::ExportCalendar(grpc::ServerContext* ctx,
                                            const v1::ExportCalendarRequest*,
                                            v1::ExportCalendarResponse*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Reports/ExportCalendar");
  (void)actor;
  return NotYet("reporting");
}

}  // namespace werkbank::api
