// Machines, Jobs, Monitor and Reports: designed in the API, not built yet.
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

grpc::Status MachinesService::ListMachines(grpc::ServerContext* ctx,
                                           const v1::ListMachinesRequest*,
                                           v1::ListMachinesResponse*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/ListMachines");
  (void)actor;
  return NotYet("machine control");
}

grpc::Status MachinesService::GetMachine(grpc::ServerContext* ctx,
                                         const v1::GetMachineRequest*,
                                         v1::Machine*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/GetMachine");
  (void)actor;
  return NotYet("machine control");
}

grpc::Status MachinesService::Unlock(grpc::ServerContext* ctx,
                                     const v1::UnlockRequest*, v1::Machine*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/Unlock");
  (void)actor;
  return NotYet("machine control");
}

grpc::Status MachinesService::Lock(grpc::ServerContext* ctx,
                                   const v1::LockRequest*, v1::Machine*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/Lock");
  (void)actor;
  return NotYet("machine control");
}

grpc::Status MachinesService::Block(grpc::ServerContext* ctx,
                                    const v1::BlockRequest*, v1::Machine*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/Block");
  (void)actor;
  return NotYet("machine control");
}

grpc::Status MachinesService::Unblock(grpc::ServerContext* ctx,
                                      const v1::UnblockRequest*, v1::Machine*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/Unblock");
  (void)actor;
  return NotYet("machine control");
}

grpc::Status MachinesService::AcknowledgeFault(
    grpc::ServerContext* ctx, const v1::AcknowledgeFaultRequest*,
    v1::Machine*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/AcknowledgeFault");
  (void)actor;
  return NotYet("machine control");
}

grpc::Status MachinesService::EmergencyStop(grpc::ServerContext* ctx,
                                            const v1::EmergencyStopRequest*,
                                            v1::Machine*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/EmergencyStop");
  (void)actor;
  return NotYet("machine control");
}

grpc::Status MachinesService::ConfirmPresence(grpc::ServerContext* ctx,
                                              const v1::ConfirmPresenceRequest*,
                                              v1::Machine*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/ConfirmPresence");
  (void)actor;
  return NotYet("machine control");
}

grpc::Status MachinesService::ConfirmInterlock(
    grpc::ServerContext* ctx, const v1::ConfirmInterlockRequest*,
    v1::Machine*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Machines/ConfirmInterlock");
  (void)actor;
  return NotYet("machine control");
}

grpc::Status JobsService::UploadJob(grpc::ServerContext* ctx,
                                    grpc::ServerReader<v1::UploadJobRequest>*,
                                    v1::Job*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/UploadJob");
  (void)actor;
  return NotYet("running jobs");
}

grpc::Status JobsService::GetJob(grpc::ServerContext* ctx,
                                 const v1::GetJobRequest*, v1::Job*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/GetJob");
  (void)actor;
  return NotYet("running jobs");
}

grpc::Status JobsService::ListJobs(grpc::ServerContext* ctx,
                                   const v1::ListJobsRequest*,
                                   v1::ListJobsResponse*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/ListJobs");
  (void)actor;
  return NotYet("running jobs");
}

grpc::Status JobsService::StartJob(grpc::ServerContext* ctx,
                                   const v1::StartJobRequest*, v1::Job*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/StartJob");
  (void)actor;
  return NotYet("running jobs");
}

grpc::Status JobsService::PauseJob(grpc::ServerContext* ctx,
                                   const v1::PauseJobRequest*, v1::Job*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/PauseJob");
  (void)actor;
  return NotYet("running jobs");
}

grpc::Status JobsService::ResumeJob(grpc::ServerContext* ctx,
                                    const v1::ResumeJobRequest*, v1::Job*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/ResumeJob");
  (void)actor;
  return NotYet("running jobs");
}

grpc::Status JobsService::CancelJob(grpc::ServerContext* ctx,
                                    const v1::CancelJobRequest*, v1::Job*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/CancelJob");
  (void)actor;
  return NotYet("running jobs");
}

grpc::Status JobsService::WatchJob(grpc::ServerContext* ctx,
                                   const v1::WatchJobRequest*,
                                   grpc::ServerWriter<v1::JobProgress>*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Jobs/WatchJob");
  (void)actor;
  return NotYet("running jobs");
}

grpc::Status MonitorService::WatchLab(grpc::ServerContext* ctx,
                                      const v1::WatchLabRequest*,
                                      grpc::ServerWriter<v1::LabSnapshot>*) {
  WERKBANK_AUTHORIZE(actor, ctx, "Monitor/WatchLab");
  (void)actor;
  return NotYet("live monitoring");
}

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
