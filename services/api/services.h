// SPDX-License-Identifier: EUPL-1.2
// The gRPC service implementations. Each only translates: it authorizes the
// call (rpc_policy.h), converts the request, calls the domain and maps the
// result (status.h).
#ifndef WERKBANK_SERVICES_API_SERVICES_H_
#define WERKBANK_SERVICES_API_SERVICES_H_

#include "services/access/accounts.h"
#include "services/access/api_keys.h"
#include "services/access/trainings.h"
#include "services/booking/booking_service.h"
#include "services/common/clock.h"
#include "services/machines/job_service.h"
#include "services/machines/machine_manager.h"
#include "services/print_service/service_queue.h"
#include "services/privacy/anonymiser.h"
#include "services/reports/impact_report.h"
#include "services/reports/usage_report.h"
#include "services/store/store.h"
#include "services/visits/visit_log.h"
#include "stream_limits.h"
#include "werkbank/v1/accounts.grpc.pb.h"
#include "werkbank/v1/admin.grpc.pb.h"
#include "werkbank/v1/apikeys.grpc.pb.h"
#include "werkbank/v1/audit.grpc.pb.h"
#include "werkbank/v1/bookings.grpc.pb.h"
#include "werkbank/v1/config.pb.h"
#include "werkbank/v1/jobs.grpc.pb.h"
#include "werkbank/v1/machines.grpc.pb.h"
#include "werkbank/v1/monitor.grpc.pb.h"
#include "werkbank/v1/privacy.grpc.pb.h"
#include "werkbank/v1/reports.grpc.pb.h"
#include "werkbank/v1/service_requests.grpc.pb.h"
#include "werkbank/v1/trainings.grpc.pb.h"
#include "werkbank/v1/visits.grpc.pb.h"

namespace werkbank::api {

// What the adapters need from the composition root. Not owned.
struct Domain {
  const v1::Config& config;
  const Clock& clock;
  store::Store& store;
  access::Accounts& accounts;
  access::Trainings& trainings;
  booking::BookingService& bookings;
  machines::MachineManager& machines;
  machines::JobService& jobs;
  reports::UsageReports& reports;
  StreamLimits& streams;
  std::string state_dir;
  visits::VisitLog& visits;
  privacy::Anonymiser& anonymiser;
  reports::ImpactReports& impact;
  access::ApiKeys& api_keys;
  print_service::ServiceQueue& service_queue;
};

// Authorizes the call or returns its refusal from the handler.
#define WERKBANK_AUTHORIZE(actor, context, method)                        \
  auto actor##_or =                                                       \
      ::werkbank::api::Authorize(*(context), (method), domain_.accounts); \
  if (!actor##_or.ok()) return ToGrpcStatus(actor##_or.status());         \
  const ::werkbank::access::Actor& actor = *actor##_or

// Holds one of the caller's stream places for the rest of the handler, or
// returns the refusal. `cancel_at_once`: see StreamLimits::Open.
#define WERKBANK_OPEN_STREAM(slot, actor, context, cancel_at_once)             \
  auto slot##_or = domain_.streams.Open((actor), (context), (cancel_at_once)); \
  if (!slot##_or.ok()) return ToGrpcStatus(slot##_or.status());                \
  const ::werkbank::api::StreamLimits::Slot slot = std::move(*slot##_or)

class AccountsService final : public v1::Accounts::Service {
 public:
  explicit AccountsService(Domain& d) : domain_(d) {}
  grpc::Status Login(grpc::ServerContext*, const v1::LoginRequest*,
                     v1::LoginResponse*) override;
  grpc::Status Logout(grpc::ServerContext*, const v1::LogoutRequest*,
                      v1::LogoutResponse*) override;
  grpc::Status WhoAmI(grpc::ServerContext*, const v1::WhoAmIRequest*,
                      v1::User*) override;
  grpc::Status CreateUser(grpc::ServerContext*, const v1::CreateUserRequest*,
                          v1::CreateUserResponse*) override;
  grpc::Status GetUser(grpc::ServerContext*, const v1::GetUserRequest*,
                       v1::User*) override;
  grpc::Status ListUsers(grpc::ServerContext*, const v1::ListUsersRequest*,
                         v1::ListUsersResponse*) override;
  grpc::Status UpdateUser(grpc::ServerContext*, const v1::UpdateUserRequest*,
                          v1::User*) override;
  grpc::Status SetPassword(grpc::ServerContext*, const v1::SetPasswordRequest*,
                           v1::SetPasswordResponse*) override;
  grpc::Status SetCard(grpc::ServerContext*, const v1::SetCardRequest*,
                       v1::SetCardResponse*) override;
  grpc::Status RevokeSessions(grpc::ServerContext*,
                              const v1::RevokeSessionsRequest*,
                              v1::RevokeSessionsResponse*) override;

 private:
  Domain& domain_;
};

class TrainingsService final : public v1::Trainings::Service {
 public:
  explicit TrainingsService(Domain& d) : domain_(d) {}
  grpc::Status RecordBriefing(grpc::ServerContext*,
                              const v1::RecordBriefingRequest*,
                              v1::Briefing*) override;
  grpc::Status ListBriefings(grpc::ServerContext*,
                             const v1::ListBriefingsRequest*,
                             v1::ListBriefingsResponse*) override;
  grpc::Status ListQualifications(grpc::ServerContext*,
                                  const v1::ListQualificationsRequest*,
                                  v1::ListQualificationsResponse*) override;
  grpc::Status RevokeQualification(grpc::ServerContext*,
                                   const v1::RevokeQualificationRequest*,
                                   v1::Qualification*) override;

 private:
  Domain& domain_;
};

class BookingsService final : public v1::Bookings::Service {
 public:
  explicit BookingsService(Domain& d) : domain_(d) {}
  grpc::Status GetLabInfo(grpc::ServerContext*, const v1::GetLabInfoRequest*,
                          v1::LabInfo*) override;
  grpc::Status GetAvailability(grpc::ServerContext*,
                               const v1::GetAvailabilityRequest*,
                               v1::GetAvailabilityResponse*) override;
  grpc::Status CreateReservation(grpc::ServerContext*,
                                 const v1::CreateReservationRequest*,
                                 v1::CreateReservationResponse*) override;
  grpc::Status CancelReservation(grpc::ServerContext*,
                                 const v1::CancelReservationRequest*,
                                 v1::Reservation*) override;
  grpc::Status ListReservations(grpc::ServerContext*,
                                const v1::ListReservationsRequest*,
                                v1::ListReservationsResponse*) override;
  grpc::Status CheckIn(grpc::ServerContext*, const v1::CheckInRequest*,
                       v1::Reservation*) override;

 private:
  Domain& domain_;
};

class AuditService final : public v1::Audit::Service {
 public:
  explicit AuditService(Domain& d) : domain_(d) {}
  grpc::Status ListAuditEvents(grpc::ServerContext*,
                               const v1::ListAuditEventsRequest*,
                               v1::ListAuditEventsResponse*) override;
  grpc::Status VerifyAuditChain(grpc::ServerContext*,
                                const v1::VerifyAuditChainRequest*,
                                v1::VerifyAuditChainResponse*) override;

 private:
  Domain& domain_;
};

class MachinesService final : public v1::Machines::Service {
 public:
  explicit MachinesService(Domain& d) : domain_(d) {}
  grpc::Status ListMachines(grpc::ServerContext*,
                            const v1::ListMachinesRequest*,
                            v1::ListMachinesResponse*) override;
  grpc::Status GetMachine(grpc::ServerContext*, const v1::GetMachineRequest*,
                          v1::Machine*) override;
  grpc::Status Unlock(grpc::ServerContext*, const v1::UnlockRequest*,
                      v1::Machine*) override;
  grpc::Status Lock(grpc::ServerContext*, const v1::LockRequest*,
                    v1::Machine*) override;
  grpc::Status Block(grpc::ServerContext*, const v1::BlockRequest*,
                     v1::Machine*) override;
  grpc::Status Unblock(grpc::ServerContext*, const v1::UnblockRequest*,
                       v1::Machine*) override;
  grpc::Status AcknowledgeFault(grpc::ServerContext*,
                                const v1::AcknowledgeFaultRequest*,
                                v1::Machine*) override;
  grpc::Status EmergencyStop(grpc::ServerContext*,
                             const v1::EmergencyStopRequest*,
                             v1::Machine*) override;
  grpc::Status ConfirmPresence(grpc::ServerContext*,
                               const v1::ConfirmPresenceRequest*,
                               v1::Machine*) override;
  grpc::Status ConfirmInterlock(grpc::ServerContext*,
                                const v1::ConfirmInterlockRequest*,
                                v1::Machine*) override;

 private:
  Domain& domain_;
};

class PrintServiceService final : public v1::PrintService::Service {
 public:
  explicit PrintServiceService(Domain& d) : domain_(d) {}
  grpc::Status SubmitServiceRequest(
      grpc::ServerContext*,
      grpc::ServerReader<v1::SubmitServiceRequestRequest>*,
      v1::ServiceRequest*) override;
  grpc::Status ListServiceRequests(grpc::ServerContext*,
                                   const v1::ListServiceRequestsRequest*,
                                   v1::ListServiceRequestsResponse*) override;
  grpc::Status GetServiceRequest(grpc::ServerContext*,
                                 const v1::GetServiceRequestRequest*,
                                 v1::ServiceRequest*) override;
  grpc::Status StartServiceRequest(grpc::ServerContext*,
                                   const v1::StartServiceRequestRequest*,
                                   v1::ServiceRequest*) override;
  grpc::Status DeclineServiceRequest(grpc::ServerContext*,
                                     const v1::DeclineServiceRequestRequest*,
                                     v1::ServiceRequest*) override;
  grpc::Status WithdrawServiceRequest(grpc::ServerContext*,
                                      const v1::WithdrawServiceRequestRequest*,
                                      v1::ServiceRequest*) override;

 private:
  Domain& domain_;
};

class JobsService final : public v1::Jobs::Service {
 public:
  explicit JobsService(Domain& d) : domain_(d) {}
  grpc::Status UploadJob(grpc::ServerContext*,
                         grpc::ServerReader<v1::UploadJobRequest>*,
                         v1::Job*) override;
  grpc::Status GetJob(grpc::ServerContext*, const v1::GetJobRequest*,
                      v1::Job*) override;
  grpc::Status ListJobs(grpc::ServerContext*, const v1::ListJobsRequest*,
                        v1::ListJobsResponse*) override;
  grpc::Status StartJob(grpc::ServerContext*, const v1::StartJobRequest*,
                        v1::Job*) override;
  grpc::Status PauseJob(grpc::ServerContext*, const v1::PauseJobRequest*,
                        v1::Job*) override;
  grpc::Status ResumeJob(grpc::ServerContext*, const v1::ResumeJobRequest*,
                         v1::Job*) override;
  grpc::Status CancelJob(grpc::ServerContext*, const v1::CancelJobRequest*,
                         v1::Job*) override;
  grpc::Status WatchJob(grpc::ServerContext*, const v1::WatchJobRequest*,
                        grpc::ServerWriter<v1::JobProgress>*) override;

 private:
  Domain& domain_;
};

class MonitorService final : public v1::Monitor::Service {
 public:
  explicit MonitorService(Domain& d) : domain_(d) {}
  grpc::Status WatchLab(grpc::ServerContext*, const v1::WatchLabRequest*,
                        grpc::ServerWriter<v1::LabSnapshot>*) override;

 private:
  Domain& domain_;
};

class ReportsService final : public v1::Reports::Service {
 public:
  explicit ReportsService(Domain& d) : domain_(d) {}
  grpc::Status GetUsageReport(grpc::ServerContext*,
                              const v1::GetUsageReportRequest*,
                              v1::UsageReport*) override;
  grpc::Status ExportUserUsage(grpc::ServerContext*,
                               const v1::ExportUserUsageRequest*,
                               v1::ExportUserUsageResponse*) override;
  grpc::Status ExportCalendar(grpc::ServerContext*,
                              const v1::ExportCalendarRequest*,
                              v1::ExportCalendarResponse*) override;
  grpc::Status GetImpactReport(grpc::ServerContext*,
                               const v1::GetImpactReportRequest*,
                               v1::ImpactReport*) override;

 private:
  Domain& domain_;
};

class VisitsService final : public v1::Visits::Service {
 public:
  explicit VisitsService(Domain& d) : domain_(d) {}
  grpc::Status RecordVisit(grpc::ServerContext*, const v1::RecordVisitRequest*,
                           v1::Visit*) override;
  grpc::Status ListVisits(grpc::ServerContext*, const v1::ListVisitsRequest*,
                          v1::ListVisitsResponse*) override;
  grpc::Status VisitFromReservation(grpc::ServerContext*,
                                    const v1::VisitFromReservationRequest*,
                                    v1::Visit*) override;
  grpc::Status DeleteVisit(grpc::ServerContext*, const v1::DeleteVisitRequest*,
                           v1::DeleteVisitResponse*) override;

 private:
  Domain& domain_;
};

class PrivacyService final : public v1::Privacy::Service {
 public:
  explicit PrivacyService(Domain& d) : domain_(d) {}
  grpc::Status ExportMyData(grpc::ServerContext*,
                            const v1::ExportMyDataRequest*,
                            v1::PersonalData*) override;
  grpc::Status AnonymiseUser(grpc::ServerContext*,
                             const v1::AnonymiseUserRequest*,
                             v1::AnonymiseUserResponse*) override;

 private:
  Domain& domain_;
};

class AdminService final : public v1::Admin::Service {
 public:
  explicit AdminService(Domain& d) : domain_(d) {}
  grpc::Status Backup(grpc::ServerContext*, const v1::BackupRequest*,
                      grpc::ServerWriter<v1::BackupChunk>*) override;

 private:
  Domain& domain_;
};

class ApiKeysService final : public v1::ApiKeys::Service {
 public:
  explicit ApiKeysService(Domain& d) : domain_(d) {}
  grpc::Status CreateApiKey(grpc::ServerContext*,
                            const v1::CreateApiKeyRequest*,
                            v1::CreateApiKeyResponse*) override;
  grpc::Status ListApiKeys(grpc::ServerContext*, const v1::ListApiKeysRequest*,
                           v1::ListApiKeysResponse*) override;
  grpc::Status RevokeApiKey(grpc::ServerContext*,
                            const v1::RevokeApiKeyRequest*,
                            v1::ApiKey*) override;

 private:
  Domain& domain_;
};

}  // namespace werkbank::api

#endif  // WERKBANK_SERVICES_API_SERVICES_H_
